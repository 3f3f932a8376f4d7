// Kernel: open-addressing hash table with string keys (insert, look up,
// delete with tombstones, resize). Optional argument: operations in
// thousands (default 400).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// corpus-args: 40

struct slot {
  char *key; // NULL = empty, TOMBSTONE = deleted
  uint64_t hash;
  long value;
};

static char tombstone;
#define TOMBSTONE (&tombstone)

struct table {
  struct slot *slots;
  size_t cap, used, live;
};

static uint64_t hash_str(const char *s) {
  uint64_t h = 14695981039346656037u;
  while (*s)
    h = (h ^ (unsigned char)*s++) * 1099511628211u;
  return h;
}

static void put(struct table *t, char *key, long value);

static void grow(struct table *t) {
  struct table bigger = {calloc(t->cap * 2, sizeof(struct slot)), t->cap * 2, 0, 0};
  if (!bigger.slots)
    exit(3);
  for (size_t i = 0; i < t->cap; i++)
    if (t->slots[i].key && t->slots[i].key != TOMBSTONE)
      put(&bigger, t->slots[i].key, t->slots[i].value);
  free(t->slots);
  *t = bigger;
}

static struct slot *find(struct table *t, const char *key, uint64_t h) {
  for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    struct slot *s = &t->slots[i];
    if (!s->key)
      return NULL;
    if (s->key != TOMBSTONE && s->hash == h && strcmp(s->key, key) == 0)
      return s;
  }
}

// Takes ownership of key.
static void put(struct table *t, char *key, long value) {
  if ((t->used + 1) * 4 > t->cap * 3)
    grow(t);
  uint64_t h = hash_str(key);
  struct slot *s = find(t, key, h);
  if (s) {
    s->value = value;
    free(key);
    return;
  }
  size_t i = h & (t->cap - 1);
  while (t->slots[i].key && t->slots[i].key != TOMBSTONE)
    i = (i + 1) & (t->cap - 1);
  if (!t->slots[i].key)
    t->used++;
  t->slots[i] = (struct slot){key, h, value};
  t->live++;
}

static int erase(struct table *t, const char *key) {
  struct slot *s = find(t, key, hash_str(key));
  if (!s)
    return 0;
  free(s->key);
  s->key = TOMBSTONE;
  t->live--;
  return 1;
}

int main(int argc, char **argv) {
  long ops = (argc > 1 ? atol(argv[1]) : 400) * 1000;
  struct table t = {calloc(16, sizeof(struct slot)), 16, 0, 0};
  if (!t.slots)
    return 3;
  uint64_t x = 88172645463325252u, found = 0, erased = 0, sum = 0;
  char key[32];
  for (long i = 0; i < ops; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    snprintf(key, sizeof key, "k%llu", (unsigned long long)(x % (ops / 2 + 1)));
    switch (x >> 60 & 3) {
    case 0:
    case 1:
      put(&t, strdup(key), (long)i);
      break;
    case 2: {
      struct slot *s = find(&t, key, hash_str(key));
      if (s) {
        found++;
        sum += (uint64_t)s->value;
      }
      break;
    }
    default:
      erased += (uint64_t)erase(&t, key);
    }
  }
  printf("ops=%ld live=%zu capacity=%zu found=%llu erased=%llu sum=%llu\n", ops, t.live, t.cap,
         (unsigned long long)found, (unsigned long long)erased, (unsigned long long)sum);
  for (size_t i = 0; i < t.cap; i++)
    if (t.slots[i].key != TOMBSTONE)
      free(t.slots[i].key);
  free(t.slots);
  return 0;
}
