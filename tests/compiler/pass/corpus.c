/* Realistic C for the cross-ISA call-site comparison: recursion, qsort
 * callbacks, loops with calls, varargs, struct by value, function
 * pointers, static helpers, setjmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct point { long x, y; };
typedef int (*op_fn)(int, int);

extern void sink(void *p);
extern int work(int);

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }

int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int ackermann(int m, int n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static int by_value(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

void sort_all(int *v, size_t n) { qsort(v, n, sizeof *v, by_value); }

long sum_calls(int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += work(i) * (long)i;
  return s;
}

long nested(int n, int m) {
  long s = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      s += work(i ^ j);
  return s;
}

int unrollable(void) {
  int s = 0;
  for (int i = 0; i < 4; i++)
    s += work(i);
  return s;
}

int apply(op_fn *ops, int n, int x) {
  for (int i = 0; i < n; i++)
    x = ops[i](x, i);
  return x;
}

int use_ops(int x) {
  op_fn ops[2] = {add, mul};
  return apply(ops, 2, x);
}

void report(const char *name, int value) { printf("%s=%d\n", name, value); }

int total(int count, ...) {
  va_list ap;
  va_start(ap, count);
  int s = 0;
  for (int i = 0; i < count; i++)
    s += va_arg(ap, int);
  va_end(ap);
  return s;
}

int call_total(int a) { return total(3, a, a + 1, a + 2) + work(a); }

long norm(struct point p) { return p.x * p.x + p.y * p.y + work((int)p.x); }

/* Not here: a struct larger than 16 bytes passed by value. Its ABI differs
 * in IR (x86-64 byval pointer, AArch64 pointer to a caller copy, ppc64 an
 * [N x i64] in registers), so its live values differ between ISAs. */
long call_struct(long a) {
  struct point p = {a, a + 1};
  return norm(p);
}

int with_locals(int n) {
  char buf[64];
  int counts[8] = {0};
  snprintf(buf, sizeof buf, "%d", n);
  for (size_t i = 0; i < strlen(buf); i++) {
    counts[(buf[i] - '0') & 7]++;
    sink(counts);
  }
  return counts[1] + (int)strlen(buf);
}

static jmp_buf env;
int guarded(int n) {
  volatile int tries = 0;
  if (setjmp(env))
    tries++;
  if (tries < 2)
    sink(&tries);
  return tries + work(n);
}

int dispatch(int kind, int x) {
  switch (kind) {
  case 0: return work(x);
  case 1: return fib(x);
  case 2: return ackermann(1, x);
  case 3: return call_total(x);
  default: return (int)sum_calls(x);
  }
}
