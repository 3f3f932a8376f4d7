// Variadic functions of our own: a small formatter walking a va_list,
// va_copy, handing a va_list to another function, mixed int/double/pointer
// arguments, and more arguments than fit in registers.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static long sum_ints(int count, ...) {
  va_list ap;
  va_start(ap, count);
  long s = 0;
  for (int i = 0; i < count; i++)
    s += va_arg(ap, int);
  va_end(ap);
  return s;
}

static double mean(int count, ...) {
  va_list ap, again;
  va_start(ap, count);
  va_copy(again, ap);
  double s = 0;
  for (int i = 0; i < count; i++)
    s += va_arg(ap, double);
  double m = s / count, var = 0;
  for (int i = 0; i < count; i++) {
    double d = va_arg(again, double) - m;
    var += d * d;
  }
  va_end(again);
  va_end(ap);
  return m + var; // both passes must see the same arguments
}

// %d int, %l long, %f double (3 decimals), %s string, %c char, %% literal.
static int vformat(char *out, size_t size, const char *fmt, va_list ap) {
  size_t n = 0;
  char tmp[64];
  for (const char *p = fmt; *p && n + 1 < size; p++) {
    if (*p != '%' || !p[1]) {
      out[n++] = *p;
      continue;
    }
    switch (*++p) {
    case 'd': snprintf(tmp, sizeof tmp, "%d", va_arg(ap, int)); break;
    case 'l': snprintf(tmp, sizeof tmp, "%ld", va_arg(ap, long)); break;
    case 'f': snprintf(tmp, sizeof tmp, "%.3f", va_arg(ap, double)); break;
    case 's': snprintf(tmp, sizeof tmp, "%s", va_arg(ap, const char *)); break;
    case 'c': tmp[0] = (char)va_arg(ap, int); tmp[1] = 0; break;
    default: tmp[0] = *p; tmp[1] = 0; break;
    }
    for (const char *t = tmp; *t && n + 1 < size; t++)
      out[n++] = *t;
  }
  out[n] = 0;
  return (int)n;
}

static int format(char *out, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vformat(out, size, fmt, ap);
  va_end(ap);
  return n;
}

static void log_line(const char *prefix, const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vformat(buf, sizeof buf, fmt, ap);
  va_end(ap);
  printf("[%s] %s\n", prefix, buf);
}

int main(void) {
  long s = sum_ints(12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  double m = mean(10, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.5);
  printf("sum=%ld mean+var=%.4f\n", s, m);
  char buf[128];
  int n = format(buf, sizeof buf, "%s has %d items, %l bytes, ratio %f, grade %c, 100%%", "cart",
                 42, 1L << 40, 2.0 / 3.0, 'B');
  printf("%s (%d chars)\n", buf, n);
  log_line("info", "%d + %d = %d; %s; %f %f %f %f %f %f %f %f %f", 2, 3, 5, "mixed",
           0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5);
  int ok = s == 78 && strcmp(buf, "cart has 42 items, 1099511627776 bytes, ratio 0.667, grade B, 100%") == 0;
  return ok ? 0 : 1;
}
