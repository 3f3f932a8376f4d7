// Thread-local storage: initialized (.tdata) and zeroed (.tbss) _Thread_local
// variables, their addresses, and per-thread copies in several threads.
#include <pthread.h>
#include <stdio.h>

static _Thread_local int counter = 100;
static _Thread_local long history[64];
static _Thread_local const char *label = "main";
_Thread_local double scale = 1.5;

static void record(int v) {
  history[counter % 64] += v;
  counter++;
}

struct job {
  int id;
  long result;
  int final_counter;
  int distinct_address;
};

static int *main_counter;

static void *worker(void *arg) {
  struct job *job = arg;
  label = "worker";
  scale = job->id;
  for (int i = 0; i < 1000 * (job->id + 1); i++)
    record(i % 13);
  long s = 0;
  for (int i = 0; i < 64; i++)
    s += history[i] * (i + 1);
  job->result = s + (long)scale;
  job->final_counter = counter;
  job->distinct_address = &counter != main_counter;
  return NULL;
}

int main(void) {
  main_counter = &counter;
  pthread_t threads[3];
  struct job jobs[3];
  for (int i = 0; i < 3; i++) {
    jobs[i] = (struct job){.id = i};
    if (pthread_create(&threads[i], NULL, worker, &jobs[i]) != 0)
      return 2;
  }
  for (int i = 0; i < 50; i++)
    record(7);
  for (int i = 0; i < 3; i++)
    pthread_join(threads[i], NULL);
  for (int i = 0; i < 3; i++)
    printf("thread %d: result=%ld counter=%d own_copy=%d\n", jobs[i].id, jobs[i].result,
           jobs[i].final_counter, jobs[i].distinct_address);
  printf("main: counter=%d label=%s scale=%.1f history[10]=%ld\n", counter, label, scale,
         history[10]);
  for (int i = 0; i < 3; i++)
    if (jobs[i].final_counter != 100 + 1000 * (i + 1) || !jobs[i].distinct_address)
      return 1;
  return counter == 150 ? 0 : 1;
}
