/* The thread registry: a slot in __xisa_park_area per live thread, the
 * runtime-owned stacks, and the pthread_create wrapper whose start routine is
 * the base frame of every new thread. */
#include "rt.h"
#include "sys.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

struct xisa_thread *rt_claim_slot(void) {
  struct xisa_park_area *area = &__xisa_park_area;
  for (uint32_t i = 0; i < XISA_MAX_THREADS; i++) {
    uint32_t expected = XISA_THREAD_FREE;
    if (__atomic_compare_exchange_n(&area->thread[i].state, &expected, XISA_THREAD_RUNNING, 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
      uint32_t used = __atomic_load_n(&area->nr_slots, __ATOMIC_RELAXED);
      while (used < i + 1 &&
             !__atomic_compare_exchange_n(&area->nr_slots, &used, i + 1, 0, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED))
        ;
      __atomic_add_fetch(&area->nr_running, 1, __ATOMIC_ACQ_REL);
      return &area->thread[i];
    }
  }
  return 0;
}

void rt_release_slot(struct xisa_thread *slot) {
  if (slot->shadow_lo)
    munmap((void *)slot->shadow_lo, slot->shadow_hi - slot->shadow_lo);
  slot->shadow_lo = slot->shadow_hi = 0;
  __atomic_sub_fetch(&__xisa_park_area.nr_running, 1, __ATOMIC_ACQ_REL);
  __atomic_store_n(&slot->state, XISA_THREAD_FREE, __ATOMIC_RELEASE);
}

/* A stack mapping with a PROT_NONE guard page below it. */
static void *map_stack(size_t size, uint64_t *lo, uint64_t *hi) {
  size_t guard = rt.page_size;
  char *p = mmap(0, size + guard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED)
    return 0;
  mprotect(p, guard, PROT_NONE);
  *lo = (uint64_t)(p + guard);
  *hi = (uint64_t)(p + guard + size);
  return p;
}

int rt_alloc_stacks(struct xisa_thread *slot) {
  if (!map_stack(rt.config.shadow_size, &slot->shadow_lo, &slot->shadow_hi))
    return -ENOMEM;
  if (slot == &__xisa_park_area.thread[0] &&
      !map_stack(rt.config.stack_size, &slot->stack_lo, &slot->stack_hi))
    return -ENOMEM;
  return 0;
}

/* musl keeps each thread's tid in its struct pthread, which the thread
 * pointer locates; a restored thread has a new tid that must go there. Find
 * the field by value: the struct starts with a pointer to itself. */
long rt_find_tid_offset(uint64_t tp, long tid) {
#if defined(__x86_64__)
  uint64_t from = tp, to = tp + 8;
#elif defined(__aarch64__)
  uint64_t from = tp - 512, to = tp;
#else
  uint64_t from = tp - 0x7000 - 512, to = tp - 0x7000;
#endif
  for (uint64_t self = to - 8; self >= from; self -= 8) {
    if (*(uint64_t *)self != self)
      continue;
    for (uint64_t p = self + 8; p < self + 160; p += 4)
      if (*(int32_t *)p == (int32_t)tid)
        return (long)(p - tp);
    break;
  }
  return 0;
}

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
