// Function pointers: qsort and bsearch with comparators, a dispatch table
// driving a small stack machine, and callbacks stored in structs.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct city {
  const char *name;
  int population;
};

static int by_population(const void *a, const void *b) {
  const struct city *x = a, *y = b;
  return (x->population > y->population) - (x->population < y->population);
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const struct city *)a)->name, ((const struct city *)b)->name);
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

typedef long (*binop)(long, long);
static long op_add(long a, long b) { return a + b; }
static long op_sub(long a, long b) { return a - b; }
static long op_mul(long a, long b) { return a * b; }
static long op_mod(long a, long b) { return b ? a % b : 0; }
static const binop ops[] = {op_add, op_sub, op_mul, op_mod};

// Program for the stack machine: positive = push, negative = op -(n+1).
static long run(const int *code, int len) {
  long stack[64];
  int sp = 0;
  for (int i = 0; i < len; i++) {
    if (code[i] >= 0) {
      stack[sp++] = code[i];
    } else {
      long b = stack[--sp], a = stack[--sp];
      stack[sp++] = ops[-code[i] - 1](a, b);
    }
  }
  return stack[0];
}

struct visitor {
  void (*visit)(struct visitor *self, int value);
  long sum;
  int count;
};

static void visit_sum(struct visitor *self, int value) {
  self->sum += value;
  self->count++;
}

static void for_each(const int *v, int n, struct visitor *vis) {
  for (int i = 0; i < n; i++)
    vis->visit(vis, v[i]);
}

int main(void) {
  struct city cities[] = {{"Lisbon", 545}, {"Oslo", 709},   {"Vienna", 1931}, {"Bern", 134},
                          {"Dublin", 592}, {"Athens", 664}, {"Prague", 1357}, {"Riga", 605}};
  size_t n = sizeof cities / sizeof cities[0];
  qsort(cities, n, sizeof cities[0], by_population);
  for (size_t i = 0; i < n; i++)
    printf("%s%s", i ? " " : "", cities[i].name);
  printf("\n");
  qsort(cities, n, sizeof cities[0], by_name);
  struct city key = {"Prague", 0};
  struct city *found = bsearch(&key, cities, n, sizeof cities[0], by_name);
  printf("Prague found=%d population=%d\n", found != NULL, found ? found->population : -1);
  key.name = "Paris";
  if (bsearch(&key, cities, n, sizeof cities[0], by_name) != NULL)
    return 1;

  int values[2000];
  unsigned seed = 12345;
  for (int i = 0; i < 2000; i++) {
    seed = seed * 1103515245u + 12345u;
    values[i] = (int)(seed >> 8) % 100000 - 50000;
  }
  qsort(values, 2000, sizeof values[0], cmp_int);
  for (int i = 1; i < 2000; i++)
    if (values[i - 1] > values[i])
      return 2;
  printf("sorted: min=%d median=%d max=%d\n", values[0], values[1000], values[1999]);

  // (3 + 4) * (10 - 2) mod 9 = 56 mod 9 = 2
  const int code[] = {3, 4, -1, 10, 2, -2, -3, 9, -4};
  long r = run(code, (int)(sizeof code / sizeof code[0]));
  printf("stack machine: %ld\n", r);

  struct visitor vis = {visit_sum, 0, 0};
  for_each(values, 2000, &vis);
  printf("visitor: count=%d sum=%ld\n", vis.count, vis.sum);
  return r == 2 ? 0 : 3;
}
