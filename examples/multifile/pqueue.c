#include <stdlib.h>

#include "graph.h"

struct item {
  int64_t key;
  int node;
};

struct pqueue {
  struct item *items;
  size_t size, capacity;
};

struct pqueue *pq_new(size_t capacity) {
  struct pqueue *q = malloc(sizeof *q);
  if (!q)
    return NULL;
  q->items = malloc((capacity ? capacity : 1) * sizeof *q->items);
  q->size = 0;
  q->capacity = capacity ? capacity : 1;
  return q;
}

static void swap(struct item *a, struct item *b) {
  struct item t = *a;
  *a = *b;
  *b = t;
}

void pq_push(struct pqueue *q, int64_t key, int node) {
  if (q->size == q->capacity) {
    q->capacity *= 2;
    q->items = realloc(q->items, q->capacity * sizeof *q->items);
    if (!q->items)
      abort();
  }
  size_t i = q->size++;
  q->items[i] = (struct item){key, node};
  while (i > 0 && q->items[(i - 1) / 2].key > q->items[i].key) {
    swap(&q->items[(i - 1) / 2], &q->items[i]);
    i = (i - 1) / 2;
  }
}

int pq_pop(struct pqueue *q, int64_t *key) {
  if (q->size == 0)
    return -1;
  struct item top = q->items[0];
  q->items[0] = q->items[--q->size];
  for (size_t i = 0;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < q->size && q->items[l].key < q->items[m].key)
      m = l;
    if (r < q->size && q->items[r].key < q->items[m].key)
      m = r;
    if (m == i)
      break;
    swap(&q->items[m], &q->items[i]);
    i = m;
  }
  *key = top.key;
  return top.node;
}

size_t pq_size(const struct pqueue *q) { return q->size; }

void pq_free(struct pqueue *q) {
  if (q)
    free(q->items);
  free(q);
}
