/* Busy work for the benchmark programs, in stretches of a set CPU time (so
 * a loaded machine stretches the wall time but not the work), in the two
 * kinds of code a migration request can meet:
 *   busy_loop       an ordinary loop: the pass puts a migration point on its
 *                   back-edge, so a request is served within one iteration;
 *   busy_no_points  a function the pass leaves without points (it holds
 *                   inline asm, see .xisa.nonmig), standing for libc or any
 *                   other uninstrumented code: a request waits until it
 *                   returns. */
#ifndef XISA_BENCH_BUSY_H
#define XISA_BENCH_BUSY_H
#include <time.h>

static double clock_us(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double now_us(void) { return clock_us(CLOCK_MONOTONIC); }
static double cpu_now_us(void) { return clock_us(CLOCK_THREAD_CPUTIME_ID); }

__attribute__((noinline)) static unsigned long busy_loop(double us, unsigned long seed) {
  double end = cpu_now_us() + us;
  while (cpu_now_us() < end)
    seed = seed * 6364136223846793005ul + 1;
  return seed;
}

__attribute__((noinline)) static unsigned long busy_no_points(double us, unsigned long seed) {
  double end = cpu_now_us() + us;
  while (cpu_now_us() < end) {
    __asm__ volatile("");
    seed = seed * 6364136223846793005ul + 1;
  }
  return seed;
}

static unsigned long busy(int points, double us, unsigned long seed) {
  return points ? busy_loop(us, seed) : busy_no_points(us, seed);
}
#endif
