/* Benchmark program: latency of a migration request, seen from inside the
 * process. A worker thread runs busy work (busy.h) in GAP_US stretches,
 * with or without migration points. The main thread, in a function the pass
 * leaves without points (so it runs on while the worker parks), asks for a
 * migration with xisa_request_migration() ("api") or with the request
 * signal, SIGUSR2 under `xisa run` ("signal"), and watches the runtime's park
 * area (wire.h) until the worker has parked; then it parks itself and the
 * supervisor (`xisa run`, which resumes a program that parks with no request
 * pending) streams the process and lets it go on. Each round prints
 * "parked_us cpu_lo_us cpu_hi_us resumed_us": request -> worker parked
 * (wall), bounds on the worker's CPU time from the request to its park
 * (what a loaded machine does not stretch), request -> main thread running
 * again.
 * Usage: latency ROUNDS GAP_US loop|nopoints [api|signal] */
#include "busy.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xisa/wire.h>
#include <xisa/xisa.h>

extern struct xisa_park_area __xisa_park_area;
/* Nonzero from a request until the runtime resumes (docs/design.md). */
extern volatile int32_t __xisa_poll;

struct work {
  double gap;
  int points;
};

static void *worker(void *arg) {
  const struct work *w = arg;
  unsigned long seed = 1;
  for (;;)
    seed = busy(w->points, w->gap, seed);
  return 0;
}

/* The worker parks at some CPU time in [cpu_lo_us, cpu_hi_us] after the
 * request: the watcher samples its CPU clock before each look at the park
 * area, so the last look that found no parked thread gives the lower bound
 * and the look that found it the upper one. */
struct round {
  double start;     /* when the request was made */
  double parked_us; /* request -> worker parked, wall time */
  double cpu_lo_us, cpu_hi_us;
};

__attribute__((noinline)) static struct round request_and_watch(clockid_t worker_clock,
                                                                int by_signal) {
  __asm__ volatile(""); /* no migration points here: see the comment above */
  struct round r;
  double cpu_start = clock_us(worker_clock), cpu_before = cpu_start;
  r.start = now_us();
  if (by_signal)
    kill(getpid(), SIGUSR2);
  else
    xisa_request_migration();
  for (;;) {
    double cpu = clock_us(worker_clock);
    if (__atomic_load_n(&__xisa_park_area.nr_parked, __ATOMIC_ACQUIRE) != 0)
      break;
    cpu_before = cpu;
    sched_yield(); /* lets the worker have this CPU when the two share one */
  }
  r.parked_us = now_us() - r.start;
  r.cpu_lo_us = cpu_before - cpu_start;
  r.cpu_hi_us = clock_us(worker_clock) - cpu_start;
  return r;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: latency ROUNDS GAP_US loop|nopoints [api|signal]\n");
    return 2;
  }
  int rounds = atoi(argv[1]);
  struct work w = {atof(argv[2]), strcmp(argv[3], "nopoints") != 0};
  int by_signal = argc > 4 && strcmp(argv[4], "signal") == 0;
  pthread_t thread;
  if (pthread_create(&thread, 0, worker, &w) != 0)
    return 1;
  clockid_t worker_clock;
  if (pthread_getcpuclockid(thread, &worker_clock) != 0)
    return 1;
  srand(1);
  for (int i = 0; i < rounds; i++) {
    /* Lands the request at a random point of the worker's stretch (it
     * starts a fresh one when resumed). */
    double due = clock_us(worker_clock) + rand() % ((int)w.gap + 1);
    while (clock_us(worker_clock) < due)
      usleep(100);
    struct round r = request_and_watch(worker_clock, by_signal);
    while (__xisa_poll)
      ;
    printf("%.1f %.1f %.1f %.1f\n", r.parked_us, r.cpu_lo_us, r.cpu_hi_us, now_us() - r.start);
  }
  return 0;
}
