/* The thread registry: a slot in __xisa_park_area per live thread, and the
 * runtime-owned stacks. */
#include "rt.h"
#include "sys.h"

#include <errno.h>
#include <sys/mman.h>

int rt_map_slots(void) {
  void *p = rt_mmap(0, XISA_MAX_THREADS * sizeof(struct xisa_thread), PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS);
  if (rt_mmap_failed(p))
    return -1;
  __xisa_park_area.threads = (uint64_t)p;
  return 0;
}

struct xisa_thread *rt_claim_slot(void) {
  struct xisa_park_area *area = &__xisa_park_area;
  for (uint32_t i = 0; i < XISA_MAX_THREADS; i++) {
    uint32_t expected = XISA_THREAD_FREE;
    if (__atomic_compare_exchange_n(&rt_slot(i)->state, &expected, XISA_THREAD_RUNNING, 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
      uint32_t used = __atomic_load_n(&area->nr_slots, __ATOMIC_RELAXED);
      while (used < i + 1 &&
             !__atomic_compare_exchange_n(&area->nr_slots, &used, i + 1, 0, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED))
        ;
      __atomic_add_fetch(&area->nr_running, 1, __ATOMIC_ACQ_REL);
      return rt_slot(i);
    }
  }
  return 0;
}

void rt_release_slot(struct xisa_thread *slot) {
  if (slot->shadow_lo)
    rt_syscall2(SYS_munmap, slot->shadow_lo, slot->shadow_hi - slot->shadow_lo);
  slot->shadow_lo = slot->shadow_hi = 0;
  __atomic_sub_fetch(&__xisa_park_area.nr_running, 1, __ATOMIC_ACQ_REL);
  __atomic_store_n(&slot->state, XISA_THREAD_FREE, __ATOMIC_RELEASE);
}

void *rt_map_stack(size_t size, uint64_t *lo, uint64_t *hi) {
  size_t guard = rt.page_size;
  char *p = rt_mmap(0, size + guard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
  if (rt_mmap_failed(p))
    return 0;
  rt_syscall3(SYS_mprotect, p, guard, PROT_NONE);
  *lo = (uint64_t)(p + guard);
  *hi = (uint64_t)(p + guard + size);
  return p;
}

int rt_alloc_stacks(struct xisa_thread *slot) {
  if (!rt_map_stack(rt.config.shadow_size, &slot->shadow_lo, &slot->shadow_hi))
    return -ENOMEM;
  if (slot == rt_slot(0) &&
      !rt_map_stack(rt.config.stack_size, &slot->stack_lo, &slot->stack_hi))
    return -ENOMEM;
  return 0;
}
