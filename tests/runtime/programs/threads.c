/* Worker threads that each fold a private sequence while main waits: a
 * migration request must park every one of them at a migration point.
 * Usage: threads WORKERS ROUNDS MS_PER_ROUND */
#include "migration_points.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int rounds;
static long ms;
static int finished;

static void sleep_ms(long n) {
  struct timespec left = {n / 1000, (n % 1000) * 1000000L};
  while (nanosleep(&left, &left) == -1 && errno == EINTR)
    MIGRATION_POINT();
}

static void *worker(void *arg) {
  unsigned long long id = (unsigned long long)(size_t)arg, acc = id + 1;
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < 100000; i++) {
      MIGRATION_POINT();
      acc = acc * 6364136223846793005ull + 1442695040888963407ull + (unsigned long long)i;
    }
    sleep_ms(ms);
  }
  __atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
  return (void *)(size_t)(acc >> 40);
}

int main(int argc, char **argv) {
  int workers = argc > 1 ? atoi(argv[1]) : 3;
  rounds = argc > 2 ? atoi(argv[2]) : 5;
  ms = argc > 3 ? atol(argv[3]) : 50;
  pthread_t tids[16];
  if (workers < 1 || workers > 16)
    return 2;
  for (int i = 0; i < workers; i++)
    pthread_create(&tids[i], 0, worker, (void *)(size_t)i);
  /* Waiting in pthread_join would block in a system call, where a thread
   * cannot park; wait at migration points instead. */
  while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < workers) {
    MIGRATION_POINT();
    sleep_ms(5);
  }
  unsigned long long total = 0;
  for (int i = 0; i < workers; i++) {
    void *result;
    pthread_join(tids[i], &result);
    printf("worker %d -> %zx\n", i, (size_t)result);
    total += (size_t)result;
  }
  printf("threads done %llx\n", total);
  return (int)(total % 5) + 10;
}
