/* Worker threads with thread-local state, for migrating a threaded program
 * as a whole. Each worker folds a private sequence into __thread variables
 * and keeps its number under a pthread key too (musl's thread-specific
 * data, which sits next to the TLS block), round after round, and the
 * workers print in turns (round by round, worker by worker), so every run
 * prints the same lines. main waits at migration
 * points, not in pthread_join, until the last line, then joins them all.
 * Usage: tls_workers WORKERS ROUNDS MS_PER_ROUND */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_WORKERS 8

static __thread unsigned long tls_acc;
static __thread unsigned tls_hist[16];
static __thread int tls_id;
static int workers, rounds;
static long ms;
static int turn; /* the next line to print: round * workers + worker */
static pthread_key_t worker_key;

static void sleep_ms(long n) {
  struct timespec left = {n / 1000, (n % 1000) * 1000000L};
  while (nanosleep(&left, &left) == -1 && errno == EINTR)
    ;
}

static void fold(int round) {
  for (int i = 0; i < 20000; i++) {
    tls_acc = tls_acc * 6364136223846793005ull + 1442695040888963407ull + (unsigned)(i ^ round);
    tls_hist[tls_acc >> 60]++;
  }
}

/* Polls with a sleep: a blocking wait would keep the thread in a system
 * call, where it cannot park. */
static void wait_turn(int line) {
  while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != line)
    sleep_ms(1);
}

static void *worker(void *arg) {
  tls_id = (int)(size_t)arg;
  tls_acc = (unsigned long)tls_id + 1;
  pthread_setspecific(worker_key, (void *)(size_t)(tls_id + 100));
  for (int r = 0; r < rounds; r++) {
    fold(r);
    sleep_ms(ms);
    wait_turn(r * workers + tls_id);
    printf("worker %d round %d acc %016lx hist %u key %zu\n", tls_id, r, tls_acc,
           tls_hist[r % 16], (size_t)pthread_getspecific(worker_key));
    fflush(stdout);
    __atomic_store_n(&turn, r * workers + tls_id + 1, __ATOMIC_RELEASE);
  }
  return (void *)(tls_acc >> 32);
}

int main(int argc, char **argv) {
  workers = argc > 1 ? atoi(argv[1]) : 3;
  rounds = argc > 2 ? atoi(argv[2]) : 10;
  ms = argc > 3 ? atol(argv[3]) : 50;
  if (workers < 1 || workers > MAX_WORKERS || rounds < 1 || ms < 0) {
    fprintf(stderr, "usage: tls_workers WORKERS(1..%d) ROUNDS MS_PER_ROUND\n", MAX_WORKERS);
    return 2;
  }
  pthread_t tids[MAX_WORKERS];
  if (pthread_key_create(&worker_key, 0) != 0)
    return 1;
  for (int i = 0; i < workers; i++)
    if (pthread_create(&tids[i], 0, worker, (void *)(size_t)i) != 0) {
      fprintf(stderr, "tls_workers: cannot create worker %d\n", i);
      return 1;
    }
  wait_turn(rounds * workers);
  unsigned long total = 0;
  for (int i = 0; i < workers; i++) {
    void *result;
    pthread_join(tids[i], &result);
    printf("worker %d -> %lx\n", i, (unsigned long)result);
    total = total * 31 + (unsigned long)result;
  }
  printf("workers done %lx\n", total);
  return (int)(total % 5) + 10;
}
