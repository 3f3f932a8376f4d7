/* The pthread_create wrapper, whose start routine is the base frame of every
 * new thread. A file of its own, so that only programs that create threads
 * link it and what it needs from musl (pthread_create, malloc). */
#include "rt.h"
#include "sys.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct thread_start {
  void *(*fn)(void *);
  void *arg;
  struct xisa_thread *slot;
};

int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg);

/* Sets up a new thread and runs its start routine above the base frame. It
 * ends with pthread_exit, not a return into musl's start code, which a
 * restored thread would not have. */
static void *thread_base(void *p) {
  struct thread_start start = *(struct thread_start *)p;
  free(p);
  struct xisa_thread *slot = start.slot;
  long tid = rt_gettid();
  uint64_t tp = rt_thread_pointer();
  slot->tid = (uint32_t)tid;
  slot->tid_addr = rt.tid_offset ? tp + (uint64_t)rt.tid_offset : 0;
  rt_self = slot;
  __xisa_ssp = (char *)slot->shadow_hi;
  void *result = __xisa_call_thread(start.fn, start.arg, &slot->base_frame);
  rt_self = 0;
  rt_release_slot(slot);
  pthread_exit(result);
}

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg) {
  struct thread_start *start = malloc(sizeof *start);
  if (!start)
    return EAGAIN;
  struct xisa_thread *slot = rt_claim_slot();
  if (!slot) {
    rt_message("too many threads: the runtime tracks at most 64", "", "");
    free(start);
    return EAGAIN;
  }
  slot->stack_lo = slot->stack_hi = 0;
  if (rt_alloc_stacks(slot) < 0) {
    rt_release_slot(slot);
    free(start);
    return EAGAIN;
  }
  *start = (struct thread_start){fn, arg, slot};
  int err = __real_pthread_create(thread, attr, thread_base, start);
  if (err) {
    rt_release_slot(slot);
    free(start);
  }
  return err;
}
