/* Benchmark workload: touches MIB MiB of heap, then loops forever; between
 * migration points it spends GAP_US microseconds in code without points
 * (like a long libc call or an uninstrumented loop).
 * Usage: workload MIB GAP_US */
#include "../../tests/runtime/programs/migration_points.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* No migration point inside: the request waits for it to finish. */
__attribute__((noinline)) static unsigned long spin(double us, unsigned long seed) {
  double end = now_us() + us;
  while (now_us() < end)
    seed = seed * 6364136223846793005ul + 1;
  return seed;
}

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], 0, 10) : 16;
  double gap = argc > 2 ? atof(argv[2]) : 0;
  unsigned char *heap = malloc(mib << 20);
  for (size_t i = 0; i < mib << 20; i += 64)
    heap[i] = (unsigned char)(i * 2654435761u >> 13) | 1;
  printf("ready\n");
  fflush(stdout);
  unsigned long seed = 1;
  for (;;) {
    MIGRATION_POINT();
    seed = spin(gap, seed);
    heap[seed % (mib << 20)] ^= 1;
  }
}
