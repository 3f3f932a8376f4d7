/* Counts in steps, keeping state in registers, on the stack, in globals and
 * on the heap, and prints a line per step: output that any lost or corrupted
 * state after a migration changes. Usage: counter STEPS [MS_PER_STEP] */
#include "migration_points.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long long global_sum;
static double global_mix = 1.0;

static void sleep_ms(long ms) {
  struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&left, &left) == -1 && errno == EINTR)
    ;
}

__attribute__((noinline)) static unsigned long long work(unsigned long long *cells, int n, int step) {
  unsigned long long acc = (unsigned long long)step * 2654435761u;
  for (int i = 0; i < n; i++) {
    MIGRATION_POINT();
    cells[i] = cells[i] * 6364136223846793005ull + acc + (unsigned long long)i;
    acc ^= cells[i] >> 17;
  }
  return acc;
}

int main(int argc, char **argv) {
  int steps = argc > 1 ? atoi(argv[1]) : 10;
  long ms = argc > 2 ? atol(argv[2]) : 100;
  int n = 4096;
  unsigned long long *cells = calloc((size_t)n, sizeof *cells);
  char label[64];
  snprintf(label, sizeof label, "counter/%d", steps);
  double local_mix = 0.5;
  for (int step = 0; step < steps; step++) {
    MIGRATION_POINT();
    unsigned long long acc = work(cells, n, step);
    global_sum += acc;
    global_mix = global_mix * 1.0001 + local_mix;
    local_mix = local_mix / 3.0 + (double)(acc % 1000) / 7.0;
    printf("%s step %d acc %016llx sum %016llx mix %.6f local %.6f\n", label, step, acc, global_sum,
           global_mix, local_mix);
    fflush(stdout);
    sleep_ms(ms);
  }
  unsigned long long check = 0;
  for (int i = 0; i < n; i++)
    check += cells[i];
  free(cells);
  printf("%s done check %016llx\n", label, check);
  return (int)(check % 7) + 3;
}
