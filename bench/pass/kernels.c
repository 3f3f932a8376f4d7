/* CPU kernels for the migration-point overhead benchmark: tight loops,
 * recursion, callbacks, calls in loops. Prints a checksum so the work stays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

NOINLINE static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

NOINLINE static double matmul(int n) {
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n),
         *c = calloc(n * n, sizeof(double));
  for (int i = 0; i < n * n; i++) { a[i] = i % 7; b[i] = i % 5; }
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++)
      for (int j = 0; j < n; j++)
        c[i * n + j] += a[i * n + k] * b[k * n + j];
  double s = 0;
  for (int i = 0; i < n * n; i++) s += c[i];
  free(a); free(b); free(c);
  return s;
}

static int cmp(const void *x, const void *y) {
  unsigned a = *(const unsigned *)x, b = *(const unsigned *)y;
  return (a > b) - (a < b);
}

NOINLINE static unsigned sort(int n) {
  unsigned *v = malloc(sizeof *v * n), x = 12345;
  for (int i = 0; i < n; i++) { x = x * 1103515245 + 12345; v[i] = x; }
  qsort(v, n, sizeof *v, cmp);
  unsigned r = v[n / 2];
  free(v);
  return r;
}

NOINLINE static int sieve(int n) {
  char *composite = calloc(n + 1, 1);
  int count = 0;
  for (int i = 2; i <= n; i++) {
    if (composite[i]) continue;
    count++;
    for (long j = (long)i * i; j <= n; j += i) composite[j] = 1;
  }
  free(composite);
  return count;
}

NOINLINE static unsigned hash_step(unsigned h, const char *s) {
  while (*s) h = h * 31 + (unsigned char)*s++;
  return h;
}

NOINLINE static unsigned strings(int n) {
  char buf[32];
  unsigned h = 0;
  for (int i = 0; i < n; i++) {
    snprintf(buf, sizeof buf, "key-%d", i);
    h = hash_step(h, buf);
  }
  return h;
}

struct body { double x, y, vx, vy; };
NOINLINE static double nbody(int steps) {
  struct body b[16];
  for (int i = 0; i < 16; i++) b[i] = (struct body){i, i * 0.5, 0, 0};
  for (int s = 0; s < steps; s++)
    for (int i = 0; i < 16; i++)
      for (int j = 0; j < 16; j++) {
        if (i == j) continue;
        double dx = b[j].x - b[i].x, dy = b[j].y - b[i].y, d = dx * dx + dy * dy + 0.01;
        b[i].vx += dx / d * 1e-4;
        b[i].vy += dy / d * 1e-4;
      }
  double e = 0;
  for (int i = 0; i < 16; i++) e += b[i].vx * b[i].vx + b[i].vy * b[i].vy;
  return e;
}

int main(int argc, char **argv) {
  const char *which = argc > 1 ? argv[1] : "all";
  int all = !strcmp(which, "all");
  if (all || !strcmp(which, "fib")) printf("fib %ld\n", fib(36));
  if (all || !strcmp(which, "matmul")) printf("matmul %.0f\n", matmul(700));
  if (all || !strcmp(which, "sort")) printf("sort %u\n", sort(2000000));
  if (all || !strcmp(which, "sieve")) printf("sieve %d\n", sieve(30000000));
  if (all || !strcmp(which, "strings")) printf("strings %u\n", strings(2000000));
  if (all || !strcmp(which, "nbody")) printf("nbody %.6f\n", nbody(300000));
  return 0;
}
