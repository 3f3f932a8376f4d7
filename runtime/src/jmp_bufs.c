/* The table of jmp_bufs (wire.h, struct xisa_jmp_bufs) that
 * __xisa_setjmp and __xisa_sigsetjmp (arch/<isa>_setjmp.S) fill before they
 * go on into musl's setjmp. The transformer rewrites the buffers whose
 * frames are on a stack and drops the rest. */
#include "rt.h"

#include <string.h>

struct xisa_jmp_bufs __xisa_jmp_bufs;

/* A buffer noted on this thread's stack below `sp` belonged to a frame that
 * has returned: the caller of setjmp is now the innermost frame. Only the
 * main thread's runtime stack has known bounds; other threads' buffers
 * leave the table when it is reused for them or by the transformer. */
static int is_dead(const struct xisa_jmp_buf_entry *e, uint64_t sp) {
  const struct xisa_thread *self = rt_self;
  return self && self->stack_lo && e->sp >= self->stack_lo && e->sp < sp;
}

void __xisa_note_jmp_buf(void *buf, uint64_t sp) {
  struct xisa_jmp_bufs *t = &__xisa_jmp_bufs;
  uint64_t owner = rt_self ? (uint64_t)rt_self : 1;
  uint64_t free_lock = 0;
  while (!__atomic_compare_exchange_n(&t->lock, &free_lock, owner, 0, __ATOMIC_ACQUIRE,
                                      __ATOMIC_RELAXED)) {
    /* A signal handler calling setjmp while this thread notes a buffer
     * would wait for itself. */
    if (free_lock == owner) {
      __atomic_store_n(&t->lost, 1, __ATOMIC_RELAXED);
      return;
    }
    free_lock = 0;
  }
  if (!t->magic[0])
    memcpy(t->magic, XISA_JMP_BUFS_MAGIC, sizeof t->magic);
  uint32_t kept = 0;
  for (uint32_t i = 0; i < t->nr; i++)
    if (t->entry[i].buf != (uint64_t)buf && !is_dead(&t->entry[i], sp))
      t->entry[kept++] = t->entry[i];
  t->nr = kept;
  if (kept < XISA_MAX_JMP_BUFS)
    t->entry[t->nr++] = (struct xisa_jmp_buf_entry){(uint64_t)buf, sp};
  else
    t->lost = 1;
  __atomic_store_n(&t->lock, 0, __ATOMIC_RELEASE);
}
