// Protected calls the way Lua runs every chunk (luaD_rawrunprotected): a
// chain of handlers, each a local struct holding a jmp_buf between other
// fields, errors thrown from deep inside nested protected calls, and all
// the work done under them, so a move finds live jmp_bufs in its frames.
#include <setjmp.h>
#include <stdio.h>

struct handler {
  struct handler *previous;
  jmp_buf buf;
  volatile int status;
};

static struct handler *current;

static void raise_error(int status) {
  current->status = status;
  longjmp(current->buf, 1);
}

struct job {
  unsigned long long seed;
  long sum;
  int errors, batches_failed;
};

static int protect(void (*f)(struct job *), struct job *job) {
  struct handler h;
  h.previous = current;
  h.status = 0;
  current = &h;
  if (setjmp(h.buf) == 0)
    f(job);
  current = h.previous;
  return h.status;
}

static unsigned next(struct job *job) {
  job->seed = job->seed * 6364136223846793005ull + 1442695040888963407ull;
  return (unsigned)(job->seed >> 33);
}

static void step(struct job *job) {
  unsigned v = next(job);
  if (v % 7 == 0)
    raise_error((int)(v % 5) + 1);
  job->sum += v % 1000;
}

static void batch(struct job *job) {
  for (int i = 0; i < 400; i++) {
    int status = protect(step, job);
    if (status) {
      job->errors++;
      job->sum -= status;
    }
    if (i == 300 && next(job) % 4 == 0)
      raise_error(9); // out of this batch, past the handlers it made
  }
}

int main(void) {
  struct job job = {12345, 0, 0, 0};
  for (int round = 0; round < 60; round++)
    if (protect(batch, &job) == 9)
      job.batches_failed++;
  printf("sum=%ld errors=%d batches_failed=%d handler=%s\n", job.sum, job.errors,
         job.batches_failed, current ? "left" : "none");
  return current == 0 ? 0 : 1;
}
