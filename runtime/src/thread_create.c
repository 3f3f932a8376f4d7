/* The pthread_create wrapper, whose start routine is the base frame of every
 * new thread. A file of its own, so that only programs that create threads
 * link it and what it needs from musl (pthread_create, malloc).
 *
 * musl puts a new thread's descriptor, TLS block, dtv and thread-specific
 * data at the top of its stack, laid out for the ISA it runs on. Another
 * ISA's musl wants the TLS block on the other side of the descriptor, which
 * stays where it is (the program holds pthread_t values). So the wrapper
 * gives musl a stack of its own mapping with XISA_THREAD_ROOM_SIZE bytes of
 * room above it (wire.h), and the thread's base leaves room below musl's
 * data: the transformer lays the destination's layout out in them. The
 * main thread's data moves into a mapping of that shape at start-up
 * (thread_area.c). */
#include "rt.h"
#include "sys.h"
#include "xisa/musl_thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Room below musl's thread data, in the base frame's caller: dead once the
 * thread has moved, since nothing returns into it (docs/design.md). musl
 * places its data in a given stack only when it takes less than 2048
 * bytes, so a TLS block below the descriptor never needs more. */
#define ROOM_BELOW 2048

/* Bound on what musl's TLS area adds to the TLS segment: two words of dtv,
 * the descriptor, aarch64's 16-byte gap and rounding. */
#define MUSL_TLS_OVERHEAD 240

struct thread_start {
  void *(*fn)(void *);
  void *arg;
  struct xisa_thread *slot;
  void *map; /* the runtime's mapping for this thread, or 0 if musl made its own */
  size_t map_size;
};

int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                          void *arg);

/* Whether musl will put this program's thread data into a stack it is
 * given (pthread_create: less than 2048 bytes and an eighth of the stack),
 * judged from the TLS segment, rounded up as musl does. */
static int thread_data_fits_given_stack(size_t stack_size) {
  size_t size, align;
  rt_tls_segment(&size, &align);
  size_t need = MUSL_TLS_OVERHEAD + XISA_MUSL_TSD_SIZE + size + 3 * align;
  return need < 2048 && need < stack_size / 8;
}

/* Sets up a new thread and runs its start routine above the base frame,
 * whose return label ends the thread in __xisa_thread_exit, never returning
 * here: a restored thread has none of this frame. */
static void *thread_base(void *p) {
  struct thread_start start = *(struct thread_start *)p;
  free(p);
  struct xisa_thread *slot = start.slot;
  long tid = rt_gettid();
  uint64_t tp = rt_thread_pointer();
  slot->tid = (uint32_t)tid;
  slot->tid_addr = rt.tid_offset ? tp + (uint64_t)rt.tid_offset : 0;
  /* musl unmaps what its descriptor names when the thread is joined or,
   * detached, exits; for a stack it was given it names nothing. */
  if (start.map) {
    char *part2 = rt_descriptor(tp) + rt_musl.part2;
    *(void **)(part2 + XISA_MUSL_MAP_BASE_IN_PART2) = start.map;
    *(size_t *)(part2 + XISA_MUSL_MAP_SIZE_IN_PART2) = start.map_size;
  }
  rt_self = slot;
  __xisa_ssp = (char *)slot->shadow_hi;
  char *room = __builtin_alloca(ROOM_BELOW);
  __asm__ volatile("" : : "r"(room) : "memory");
  __xisa_call_thread(start.fn, start.arg, &slot->base_frame);
}

void __xisa_thread_exit(void *result) {
  struct xisa_thread *slot = rt_self;
  rt_self = 0;
  rt_release_slot(slot);
  pthread_exit(result);
}

/* A mapping for a thread's stack with the room above it, its tag at the
 * end; its stack, as pthread_attr_setstack takes it, goes into attr. */
static void *map_thread(pthread_attr_t *attr, size_t stack_size, size_t *map_size) {
  uint64_t lo, hi;
  size_t size = (stack_size + ROOM_BELOW + rt.page_size - 1) / rt.page_size * rt.page_size;
  void *map = rt_map_stack(size + XISA_THREAD_ROOM_SIZE, &lo, &hi);
  if (!map)
    return 0;
  struct xisa_thread_room_tag *tag = (struct xisa_thread_room_tag *)hi - 1;
  memcpy(tag->magic, XISA_THREAD_ROOM_MAGIC, sizeof tag->magic);
  tag->size = XISA_THREAD_ROOM_SIZE;
  *map_size = hi - (uint64_t)map;
  if (pthread_attr_setstack(attr, (void *)lo, size)) {
    munmap(map, *map_size);
    return 0;
  }
  return map;
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
  *start = (struct thread_start){fn, arg, slot, 0, 0};

  /* The program's attributes with the runtime's stack, unless the program
   * gave a stack of its own or musl would not use the runtime's; such a
   * thread migrates only to its own ISA. */
  pthread_attr_t own;
  if (attr)
    own = *attr;
  else
    pthread_attr_init(&own);
  void *given;
  size_t stack_size;
  pthread_attr_getstacksize(&own, &stack_size);
  if (pthread_attr_getstack(&own, &given, &(size_t){0}) == EINVAL &&
      thread_data_fits_given_stack(stack_size))
    start->map = map_thread(&own, stack_size, &start->map_size);
  int err = __real_pthread_create(thread, start->map ? &own : attr, thread_base, start);
  if (err) {
    if (start->map)
      munmap(start->map, start->map_size);
    rt_release_slot(slot);
    free(start);
  }
  return err;
}
