/* Benchmark workload: touches MIB MiB of heap, prints "ready", then works
 * until killed, spending GAP_US microseconds of CPU time per turn of its outer loop in
 * an instrumented loop ("loop") or in code without migration points
 * ("nopoints"); see busy.h.
 * Usage: workload MIB [GAP_US [loop|nopoints]] */
#include "busy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  size_t bytes = (argc > 1 ? strtoul(argv[1], 0, 10) : 16) << 20;
  double gap = argc > 2 ? atof(argv[2]) : 0;
  int points = argc <= 3 || strcmp(argv[3], "nopoints") != 0;
  unsigned char *heap = malloc(bytes);
  if (!heap)
    return 1;
  /* Distinct bytes on every page, so no page is the zero page. */
  for (size_t i = 0; i < bytes; i += 64)
    heap[i] = (unsigned char)(i * 2654435761u >> 13) | 1;
  printf("ready\n");
  fflush(stdout);
  unsigned long seed = 1;
  for (;;) {
    seed = busy(points, gap, seed);
    heap[seed % bytes] ^= 1;
  }
}
