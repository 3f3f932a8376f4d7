// Kernel: dense double matrix multiply (i-k-j order) with two checksums (the
// second alternates signs by column, so neighbours that trade places change
// it), plus the trace of A*B computed independently to check the product.
// Optional arguments: n (default 800), the size of the square A and the
// rows of B; m (default n, at least n), the columns of B and of the product.
// A wide B (n = 2, m = 12292) makes the multiply loop's strips of 1,024
// vector iterations end inside a row, at the poll that keeps a[i][k]'s
// splat live (tests/corpus/migration.cmake, matmul.multiply_loop).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
// corpus-args: 60

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 800;
  long m = argc > 2 ? atol(argv[2]) : n;
  if (n < 2 || m < n) {
    fprintf(stderr, "matmul: n must be at least 2 and m at least n\n");
    return 2;
  }
  double *a = malloc(n * n * sizeof *a), *b = malloc(n * m * sizeof *b),
         *c = calloc(n * m, sizeof *c);
  if (!a || !b || !c)
    return 3;
  for (long i = 0; i < n; i++)
    for (long j = 0; j < n; j++)
      a[i * n + j] = (double)((i * 7 + j * 3) % 17) / 16.0 - 0.5;
  for (long i = 0; i < n; i++)
    for (long j = 0; j < m; j++)
      b[i * m + j] = (double)((i * 5 + j * 11) % 13) / 12.0 - 0.25;
  for (long i = 0; i < n; i++)
    for (long k = 0; k < n; k++) {
      double aik = a[i * n + k];
      for (long j = 0; j < m; j++)
        c[i * m + j] += aik * b[k * m + j];
    }
  double sum = 0, alternating = 0, trace = 0, trace_check = 0;
  for (long i = 0; i < n; i++) {
    for (long j = 0; j < m; j++) {
      sum += c[i * m + j];
      alternating += j % 2 ? -c[i * m + j] : c[i * m + j];
    }
    trace += c[i * m + i];
    for (long k = 0; k < n; k++)
      trace_check += a[i * n + k] * b[k * m + i];
  }
  printf("n=%ld m=%ld sum=%.6f alternating=%.6f trace=%.6f\n", n, m, sum, alternating, trace);
  free(a);
  free(b);
  free(c);
  return fabs(trace - trace_check) < 1e-6 * (1 + fabs(trace)) ? 0 : 1;
}
