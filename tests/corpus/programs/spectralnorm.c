// Kernel: spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2+i+1)
// by power iteration. Optional argument: n (default 1500).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
// corpus-args: 100

static double a(long i, long j) { return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1); }

static void mul_av(long n, const double *v, double *out) {
  for (long i = 0; i < n; i++) {
    double s = 0;
    for (long j = 0; j < n; j++)
      s += a(i, j) * v[j];
    out[i] = s;
  }
}

static void mul_atv(long n, const double *v, double *out) {
  for (long i = 0; i < n; i++) {
    double s = 0;
    for (long j = 0; j < n; j++)
      s += a(j, i) * v[j];
    out[i] = s;
  }
}

static void mul_atav(long n, const double *v, double *out, double *tmp) {
  mul_av(n, v, tmp);
  mul_atv(n, tmp, out);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1500;
  if (n < 1) {
    fprintf(stderr, "spectralnorm: n must be positive\n");
    return 2;
  }
  double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v), *tmp = malloc(n * sizeof *tmp);
  if (!u || !v || !tmp)
    return 3;
  for (long i = 0; i < n; i++)
    u[i] = 1;
  for (int i = 0; i < 10; i++) {
    mul_atav(n, u, v, tmp);
    mul_atav(n, v, u, tmp);
  }
  double vbv = 0, vv = 0;
  for (long i = 0; i < n; i++) {
    vbv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  printf("%.9f\n", sqrt(vbv / vv));
  free(u);
  free(v);
  free(tmp);
  return 0;
}
