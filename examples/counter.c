#include <stdio.h>
#include <time.h>

static double step(double acc, int i) { return acc * 0.5 + i; }

int main(void) {
  double acc = 1.0;
  for (int i = 1; i <= 40; i++) {
    acc = step(acc, i);
    printf("tick %2d acc=%.3f\n", i, acc);
    fflush(stdout);
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, 0);
  }
  return 0;
}
