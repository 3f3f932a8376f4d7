// Reads the clock through the vDSO between its migration points: musl binds
// clock_gettime to the kernel's vDSO function on the first call and keeps
// that address in a static, which must not outlive a move to another ISA.
// Prints only what every run agrees on: that the clock never went back.
#include <stdio.h>
#include <time.h>
// corpus-args: 3000

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  (void)argv;
  int rounds = argc > 1 ? 3000 : 100;
  long long last = now_ns();
  int backwards = 0;
  unsigned long long mix = 1;
  for (int i = 0; i < rounds; i++) {
    for (int j = 0; j < 100; j++)
      mix = mix * 6364136223846793005ull + (unsigned)j;
    long long t = now_ns();
    backwards += t < last;
    last = t;
  }
  printf("rounds=%d mix=%llx clock went back %d times\n", rounds, mix, backwards);
  return backwards != 0;
}
