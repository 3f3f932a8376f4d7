// Kernel: dense double matrix multiply (i-k-j order) with a checksum, plus
// the trace of A*B computed independently to check the product.
// Optional argument: n (default 800).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
// corpus-args: 60

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 800;
  if (n < 2) {
    fprintf(stderr, "matmul: n must be at least 2\n");
    return 2;
  }
  double *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b),
         *c = calloc(n * n, sizeof *c);
  if (!a || !b || !c)
    return 3;
  for (long i = 0; i < n; i++)
    for (long j = 0; j < n; j++) {
      a[i * n + j] = (double)((i * 7 + j * 3) % 17) / 16.0 - 0.5;
      b[i * n + j] = (double)((i * 5 + j * 11) % 13) / 12.0 - 0.25;
    }
  for (long i = 0; i < n; i++)
    for (long k = 0; k < n; k++) {
      double aik = a[i * n + k];
      for (long j = 0; j < n; j++)
        c[i * n + j] += aik * b[k * n + j];
    }
  double sum = 0, trace = 0, trace_check = 0;
  for (long i = 0; i < n; i++) {
    for (long j = 0; j < n; j++)
      sum += c[i * n + j];
    trace += c[i * n + i];
    for (long k = 0; k < n; k++)
      trace_check += a[i * n + k] * b[k * n + i];
  }
  printf("n=%ld sum=%.6f trace=%.6f\n", n, sum, trace);
  free(a);
  free(b);
  free(c);
  return fabs(trace - trace_check) < 1e-6 * (1 + fabs(trace)) ? 0 : 1;
}
