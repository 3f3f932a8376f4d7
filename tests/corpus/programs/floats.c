// Float and double arithmetic printed at a precision every ISA agrees on,
// and exactly (%a) where only the program's own arithmetic is involved:
// xisa-cc fuses no multiply-add on any ISA, as x86-64 cannot, so the last
// bits agree too (libm's are musl's per ISA and may not).
#include <math.h>
#include <stdio.h>

static double leibniz_pi(int terms) {
  double sum = 0;
  for (int k = 0; k < terms; k++)
    sum += (k & 1 ? -4.0 : 4.0) / (2 * k + 1);
  return sum;
}

static double newton_sqrt(double x) {
  double r = x > 1 ? x / 2 : 1;
  for (int i = 0; i < 60; i++)
    r = 0.5 * (r + x / r);
  return r;
}

static float harmonic_f(int n) {
  float h = 0;
  for (int i = n; i >= 1; i--)
    h += 1.0f / (float)i;
  return h;
}

// Simpson's rule for the integral of 1/(1+x^2) over [0,1] = pi/4.
static double simpson(int n) {
  double h = 1.0 / n, s = 0;
  for (int i = 0; i <= n; i++) {
    double x = i * h, fx = 1 / (1 + x * x);
    s += (i == 0 || i == n ? 1 : i % 2 ? 4 : 2) * fx;
  }
  return s * h / 3;
}

int main(void) {
  double pi = leibniz_pi(1000000);
  printf("leibniz pi    %.6f\n", pi);
  printf("simpson pi    %.10f\n", 4 * simpson(1000));
  printf("newton sqrt2  %.12f  libm %.12f\n", newton_sqrt(2), sqrt(2.0));
  printf("harmonic(1e5) %.4f\n", harmonic_f(100000));
  printf("fabs/floor    %.1f %.1f %.1f\n", fabs(-2.75), floor(-2.5), ceil(2.25));
  printf("fmod          %.6f\n", fmod(10.75, 3.0));
  printf("conversions   %d %ld %u %.2f\n", (int)-7.9, (long)1e12, (unsigned)3.99e9, (double)(1 << 30));
  printf("scientific    %e %g %g\n", 6.02214076e23, 0.0001234, 123456789.0);
  float f = 16777216.0f;
  f += 1.0f; // not representable: stays 2^24
  printf("float round   %.1f %d\n", f, f == 16777216.0f);
  // x*x - y is 0x1p-60 when fused, 0 when rounded after the multiply.
  volatile double x = 1 + 0x1p-30, y = 1 + 0x1p-29;
  double xv = x, yv = y;
  printf("no fusion     %a %a\n", xv * xv - yv, pi * pi - 9.8696044010893580);
  double inf = 1e308 * 10, nz = -0.0;
  printf("specials      %f %f %d %d\n", inf, nz, isinf(inf), signbit(nz) != 0);
  if (fabs(pi - 3.14159265) > 1e-5 || newton_sqrt(2) * newton_sqrt(2) - 2 > 1e-12)
    return 1;
  return 0;
}
