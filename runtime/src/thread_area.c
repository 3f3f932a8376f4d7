/* The main thread's musl thread data (descriptor, TLS block, dtv) and where
 * musl keeps a thread's tid. Every program links this file (main needs the
 * tid's place), so every main thread gets room for another ISA's layout.
 *
 * musl's start-up put the main thread's descriptor and TLS in a static
 * buffer or a mapping just their size, with no room around them for
 * another ISA's layout: a move to an ISA whose block lies on the other side
 * of the descriptor, or is larger, would cover musl's dtv or the data after
 * the buffer. Before any of the program's code runs (the first
 * constructor), they move into a mapping laid out like a created thread's
 * (thread_create.c): room for a block below the descriptor, above it the
 * room and its tag (wire.h). The cost is one mapping of a few pages. */
#include "rt.h"
#include "sys.h"

#include <elf.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#if defined(__x86_64__)
const struct xisa_musl_layout rt_musl = XISA_MUSL_LAYOUT_X86_64;
#elif defined(__aarch64__)
const struct xisa_musl_layout rt_musl = XISA_MUSL_LAYOUT_AARCH64;
#else
const struct xisa_musl_layout rt_musl = XISA_MUSL_LAYOUT_PPC64LE;
#endif

/* The executable's own ELF header, mapped with its program headers. */
extern const Elf64_Ehdr __ehdr_start;

void rt_tls_segment(size_t *size, size_t *align) {
  const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
  *size = 0;
  *align = 16;
  for (unsigned i = 0; i < __ehdr_start.e_phnum; i++)
    if (ph[i].p_type == PT_TLS) {
      *size = ph[i].p_memsz;
      if (ph[i].p_align > *align)
        *align = ph[i].p_align;
    }
}

char *rt_descriptor(uint64_t tp) { return (char *)(tp - rt_musl.tp_from_self); }

/* The tid is the first field of the descriptor's part 2; checked against
 * the tid the caller knows, so a musl of another layout is noticed. */
long rt_find_tid_offset(uint64_t tp, long tid) {
  long offset = (long)rt_musl.part2 - (long)rt_musl.tp_from_self;
  return *(int32_t *)(tp + (uint64_t)offset) == (int32_t)tid ? offset : 0;
}

static void set_thread_pointer(uint64_t tp) {
#if defined(__x86_64__)
  rt_syscall2(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, tp);
#elif defined(__aarch64__)
  __asm__ volatile("msr tpidr_el0, %0" : : "r"(tp) : "memory");
#else
  __asm__ volatile("mr 13, %0" : : "r"(tp) : "memory");
#endif
}

__attribute__((constructor(101))) static void move_main_thread_data(void) {
  size_t size, align, page = (size_t)getauxval(AT_PAGESZ);
  rt_tls_segment(&size, &align);
  uint64_t tp = rt_thread_pointer();
  char *self = rt_descriptor(tp);
  uint64_t *dtv = *(uint64_t **)(self + rt_musl.dtv);
  uint64_t block = dtv[1] - rt_musl.dtv_bias; /* the runtime's own TLS makes one */
  /* The new descriptor keeps its offset modulo the TLS alignment, so every
   * alignment of thread pointer and block holds, and starts in the first
   * bytes of a page, so the descriptor does not straddle two pages. */
  uint64_t in_page = (uint64_t)self & (align - 1);
  size_t below = (size + 2 * align + XISA_MUSL_DTV_SIZE + 64 + page - 1) / page * page;
  size_t above = (in_page + XISA_MUSL_PTHREAD_SIZE + 16 + size + 2 * align + page - 1) / page * page;
  size_t total = below + above + XISA_THREAD_ROOM_SIZE;
  char *map = rt_mmap(0, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  if (rt_mmap_failed(map))
    return; /* the thread data stays where it is, and migrates only to this ISA */
  char *new_self = map + below + in_page;
  uint64_t new_tp = (uint64_t)new_self + rt_musl.tp_from_self;
  uint64_t *new_dtv = (uint64_t *)map;
  memcpy(new_self, self, XISA_MUSL_PTHREAD_SIZE);
  memcpy((void *)(new_tp + (block - tp)), (void *)block, size);
  new_dtv[0] = dtv[0];
  new_dtv[1] = new_tp + (block - tp) + rt_musl.dtv_bias;
  *(char **)new_self = new_self;
  *(uint64_t **)(new_self + rt_musl.dtv) = new_dtv;
  /* Alone in musl's thread list, main links to itself. */
  *(char **)(new_self + rt_musl.prev) = new_self;
  *(char **)(new_self + rt_musl.next) = new_self;
  char *robust = self + rt_musl.part2 + XISA_MUSL_ROBUST_HEAD_IN_PART2;
  if (*(char **)robust == robust)
    *(char **)(new_self + rt_musl.part2 + XISA_MUSL_ROBUST_HEAD_IN_PART2) =
        new_self + rt_musl.part2 + XISA_MUSL_ROBUST_HEAD_IN_PART2;
  struct xisa_thread_room_tag *tag = (struct xisa_thread_room_tag *)(map + total) - 1;
  memcpy(tag->magic, XISA_THREAD_ROOM_MAGIC, sizeof tag->magic);
  tag->size = XISA_THREAD_ROOM_SIZE;
  set_thread_pointer(new_tp);
}
