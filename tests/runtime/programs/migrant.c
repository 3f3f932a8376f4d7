/* A program built by xisa-cc (migration points from the pass) whose state a
 * cross-ISA migration must carry: recursion eight frames deep, each frame
 * with a double and a pointer to its own locals live across the call, a TLS
 * counter, heap and globals. It sleeps at the bottom of the recursion, so a
 * request parks it there, and prints a line per step.
 * Usage: migrant STEPS MS_PER_STEP */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static __thread unsigned long tls_steps;
static double global_mix = 1.0;

static void sleep_ms(long ms) {
  struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&left, &left) == -1 && errno == EINTR)
    ;
}

static unsigned long descend(int depth, double *acc, unsigned long *cells, long ms) {
  unsigned long local[2] = {(unsigned long)depth * 7u, cells[depth] ^ 0x5a5au};
  unsigned long *mine = &local[depth & 1];
  double weight = *acc * 0.5 + depth * 0.125;
  if (depth == 0) {
    sleep_ms(ms);
    *acc = weight + 1.25;
    return *mine + local[0];
  }
  unsigned long below = descend(depth - 1, acc, cells, ms);
  *acc += weight / (depth + 1);
  cells[depth] = cells[depth] * 6364136223846793005ull + below + *mine;
  return below * 31u + *mine + (unsigned long)weight;
}

int main(int argc, char **argv) {
  int steps = argc > 1 ? atoi(argv[1]) : 10;
  long ms = argc > 2 ? atol(argv[2]) : 100;
  unsigned long *cells = calloc(8 + 1, sizeof *cells);
  double acc = 0.5;
  unsigned long sum = 0;
  for (int step = 0; step < steps; step++) {
    tls_steps += (unsigned long)step;
    unsigned long r = descend(8, &acc, cells, ms);
    sum = sum * 131u + r;
    global_mix = global_mix * 1.0001 + acc / 1024.0;
    printf("migrant step %d r %lu sum %016lx acc %.6f mix %.6f tls %lu\n", step, r, sum, acc,
           global_mix, tls_steps);
    fflush(stdout);
  }
  free(cells);
  return (int)(sum % 7) + 3;
}
