/* Benchmark program: builds a stack of DEPTH user frames (main included),
 * prints "ready" and loops in the deepest one until killed, so a checkpoint
 * holds DEPTH frames for the transformer. Every frame keeps values live
 * across its call (registers and a local array in the shadow frame), like
 * real code. Usage: recurse DEPTH */
#include <stdio.h>
#include <stdlib.h>

/* Stores after each recursive call keep the calls out of tail position, so
 * the optimizer cannot turn the recursion into a loop. */
static volatile unsigned long sink;

/* Inlined, so the loop runs in the deepest frame itself. */
static inline __attribute__((always_inline)) void idle(unsigned long seed) {
  printf("ready\n");
  fflush(stdout);
  for (;;)
    sink = sink * 3 + seed;
}

__attribute__((noinline)) static unsigned long descend(int left, unsigned long seed) {
  unsigned long cells[4] = {seed, seed >> 7, seed * 3, (unsigned long)left};
  sink = (unsigned long)&cells[left & 3];
  if (left == 0)
    idle(cells[1]);
  unsigned long below = descend(left - 1, cells[1] ^ cells[2]);
  sink = below;
  return below + cells[0] + cells[3];
}

int main(int argc, char **argv) {
  int depth = argc > 1 ? atoi(argv[1]) : 16;
  if (depth < 1) {
    fprintf(stderr, "recurse: DEPTH must be at least 1\n");
    return 2;
  }
  if (depth == 1)
    idle(12345);
  /* main, then descend(depth - 2) down to descend(0) */
  unsigned long r = descend(depth - 2, 12345);
  sink = r;
  return 0;
}
