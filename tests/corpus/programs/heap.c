// Heavy malloc/free: many block sizes freed in scrambled order, a linked
// list, a binary search tree, and arrays grown with realloc.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng_state = 2463534242u;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

struct node {
  struct node *next;
  int value;
  char payload[];
};

struct tree {
  struct tree *left, *right;
  long key;
  int count;
};

static struct tree *insert(struct tree *t, long key) {
  if (!t) {
    t = calloc(1, sizeof *t);
    if (!t)
      exit(3);
    t->key = key;
    t->count = 1;
    return t;
  }
  if (key < t->key)
    t->left = insert(t->left, key);
  else if (key > t->key)
    t->right = insert(t->right, key);
  else
    t->count++;
  return t;
}

static long tree_walk(const struct tree *t, int depth, int *max_depth, long *nodes) {
  if (!t)
    return 0;
  if (depth > *max_depth)
    *max_depth = depth;
  ++*nodes;
  return tree_walk(t->left, depth + 1, max_depth, nodes) + t->key * t->count +
         tree_walk(t->right, depth + 1, max_depth, nodes);
}

static void tree_free(struct tree *t) {
  if (!t)
    return;
  tree_free(t->left);
  tree_free(t->right);
  free(t);
}

int main(void) {
  enum { SLOTS = 4096, ROUNDS = 60000 };
  static unsigned char *slot[SLOTS];
  static size_t slot_size[SLOTS];
  uint64_t checksum = 0;
  for (int r = 0; r < ROUNDS; r++) {
    uint32_t i = rng() % SLOTS;
    if (slot[i]) {
      for (size_t k = 0; k < slot_size[i]; k += 61)
        checksum += slot[i][k];
      free(slot[i]);
      slot[i] = NULL;
    } else {
      size_t size = (rng() % 8 == 0) ? 4096 + rng() % 70000 : 1 + rng() % 300;
      slot[i] = malloc(size);
      if (!slot[i])
        return 3;
      memset(slot[i], (int)(size & 0xff), size);
      slot_size[i] = size;
    }
  }
  for (int i = 0; i < SLOTS; i++)
    free(slot[i]);

  struct node *head = NULL;
  for (int i = 0; i < 20000; i++) {
    size_t len = 1 + (size_t)i % 40;
    struct node *n = malloc(sizeof *n + len);
    if (!n)
      return 3;
    n->value = i;
    memset(n->payload, 'a' + i % 26, len);
    n->next = head;
    head = n;
  }
  long list_sum = 0, payload_sum = 0;
  while (head) {
    struct node *next = head->next;
    list_sum += head->value;
    payload_sum += head->payload[0];
    free(head);
    head = next;
  }

  struct tree *root = NULL;
  for (int i = 0; i < 30000; i++)
    root = insert(root, (long)(rng() % 10000));
  int max_depth = 0;
  long nodes = 0, weighted = tree_walk(root, 0, &max_depth, &nodes);
  tree_free(root);

  size_t cap = 1, len = 0;
  int *grow = malloc(cap * sizeof *grow);
  int reallocs = 0;
  for (int i = 0; i < 200000; i++) {
    if (len == cap) {
      cap = cap * 3 / 2 + 1;
      int *bigger = realloc(grow, cap * sizeof *grow);
      if (!bigger)
        return 3;
      grow = bigger;
      reallocs++;
    }
    grow[len++] = i ^ (i >> 3);
  }
  long grow_sum = 0;
  for (size_t i = 0; i < len; i++)
    grow_sum += grow[i];
  grow = realloc(grow, 10 * sizeof *grow); // shrink keeps the prefix
  int prefix_ok = grow[9] == (9 ^ 1);
  free(grow);

  printf("checksum=%llu list=%ld payload=%ld\n", (unsigned long long)checksum, list_sum, payload_sum);
  printf("tree: nodes=%ld depth=%d weighted=%ld\n", nodes, max_depth, weighted);
  printf("realloc: %d grows, sum=%ld, prefix_ok=%d\n", reallocs, grow_sum, prefix_ok);
  return list_sum == 19999L * 20000 / 2 && prefix_ok ? 0 : 1;
}
