// pthreads: workers share a mutex-protected total and a condition-variable
// handshake; each keeps its own partial result; main joins them all and
// prints in a fixed order, so the output does not depend on scheduling.
#include <pthread.h>
#include <stdio.h>

enum { WORKERS = 4, PER_WORKER = 250000 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_ready = PTHREAD_COND_INITIALIZER;
static int ready;
static unsigned long long shared_total;

struct work {
  int id;
  unsigned long long partial;
  unsigned primes;
};

static int is_prime(unsigned n) {
  if (n < 2)
    return 0;
  for (unsigned d = 2; d * d <= n; d++)
    if (n % d == 0)
      return 0;
  return 1;
}

static void *worker(void *arg) {
  struct work *w = arg;
  pthread_mutex_lock(&lock);
  if (++ready == WORKERS)
    pthread_cond_broadcast(&all_ready);
  while (ready < WORKERS)
    pthread_cond_wait(&all_ready, &lock);
  pthread_mutex_unlock(&lock);

  unsigned begin = (unsigned)w->id * PER_WORKER;
  for (unsigned n = begin; n < begin + PER_WORKER; n++) {
    w->partial += (unsigned long long)n * n % 1000003u;
    if (n % 7 == 1)
      w->primes += is_prime(n);
    if (n % 1000 == 999) {
      pthread_mutex_lock(&lock);
      shared_total += w->partial % 1000;
      pthread_mutex_unlock(&lock);
    }
  }
  return w;
}

int main(void) {
  pthread_t threads[WORKERS];
  struct work work[WORKERS];
  for (int i = 0; i < WORKERS; i++) {
    work[i] = (struct work){.id = i};
    if (pthread_create(&threads[i], NULL, worker, &work[i]) != 0) {
      fprintf(stderr, "threads: pthread_create failed\n");
      return 2;
    }
  }
  unsigned long long sum = 0;
  unsigned primes = 0;
  for (int i = 0; i < WORKERS; i++) {
    void *ret;
    pthread_join(threads[i], &ret);
    if (ret != &work[i])
      return 1;
    printf("worker %d: partial=%llu primes(n%%7==1)=%u\n", i, work[i].partial, work[i].primes);
    sum += work[i].partial;
    primes += work[i].primes;
  }
  printf("total=%llu primes=%u shared=%llu\n", sum, primes, shared_total);
  return 0;
}
