/* Whether a parked thread's frames can be transformed: every return address
 * between the migration point and the thread's base frame must be a call
 * site with a stackmap record. A frame of code without metadata (a libc
 * routine calling back into the program) makes the thread go on to its next
 * migration point instead. */
#include "rt.h"
#include "sys.h"

#include <sys/mman.h>

/* The link step brackets the concatenated .llvm_stackmaps blobs with these;
 * a program linked without them has no metadata to check against. */
extern const char __xisa_stackmaps_start[] __attribute__((weak, visibility("hidden")));
extern const char __xisa_stackmaps_end[] __attribute__((weak, visibility("hidden")));

static int has_stackmaps(void) {
  return __xisa_stackmaps_start && __xisa_stackmaps_end > __xisa_stackmaps_start;
}

/* Indexes this executable's functions into rt.call_sites, replacing an
 * index of another ISA's. Without memory for it the index stays empty: no
 * frame is safe, the program goes on and the supervisor's wait ends. */
static void build_index(struct rt_call_sites *sites) {
  if (sites->functions)
    rt_syscall2(SYS_munmap, sites->functions, sites->map_size);
  sites->functions = 0;
  sites->nr = sites->map_size = 0;
  size_t n = rt_index_stackmaps(__xisa_stackmaps_start, __xisa_stackmaps_end, 0, 0);
  size_t size = (n * sizeof(struct rt_sm_function) + rt.page_size - 1) & ~(rt.page_size - 1);
  void *p = n ? rt_mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS) : 0;
  if (n && rt_mmap_failed(p)) {
    rt_message("cannot map the index of call sites; this process cannot migrate", "", "");
  } else if (n) {
    sites->functions = p;
    sites->map_size = size;
    sites->nr = rt_index_stackmaps(__xisa_stackmaps_start, __xisa_stackmaps_end, p, n);
  }
  __atomic_store_n(&sites->isa, rt_wire_isa(), __ATOMIC_RELEASE);
}

/* Threads park at once: one builds, the others wait for it. */
static const struct rt_call_sites *call_sites(void) {
  struct rt_call_sites *sites = &rt.call_sites;
  while (__atomic_load_n(&sites->isa, __ATOMIC_ACQUIRE) != rt_wire_isa()) {
    uint32_t free = 0;
    if (__atomic_compare_exchange_n(&sites->lock, &free, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
      if (sites->isa != rt_wire_isa())
        build_index(sites);
      __atomic_store_n(&sites->lock, 0, __ATOMIC_RELEASE);
    } else {
      rt_syscall0(SYS_sched_yield);
    }
  }
  return sites;
}

static const char *record_at(uint64_t ra) {
  const struct rt_call_sites *sites = call_sites();
  return rt_call_site_record(sites->functions, sites->nr, ra);
}

static int is_call_site(uint64_t ra) { return record_at(ra) != 0; }

void rt_index_call_sites(void) {
  if (has_stackmaps())
    call_sites();
}

uint64_t rt_call_site_id(uint64_t ra) {
  const char *record = has_stackmaps() ? record_at(ra) : 0;
  return record ? *(const uint64_t *)record : 0;
}

enum { kMaxFrames = 100000 };

int rt_frames_are_safe(const struct xisa_regs *regs, uint64_t base_frame) {
  if (!has_stackmaps())
    return 1;
  if (!is_call_site(regs->pc))
    return 0;
#if defined(__powerpc64__)
  /* Back chain: each frame's first word is its caller's stack pointer; the
   * return address into a frame sits in that frame's LR save slot. */
  uint64_t frame = regs->sp;
  for (int i = 0; i < kMaxFrames && frame; i++) {
    uint64_t caller = *(const uint64_t *)frame;
    if (caller == base_frame)
      return 1;
    if (caller <= frame || !is_call_site(*(const uint64_t *)(caller + 16)))
      return 0;
    frame = caller;
  }
#else
  /* Frame records: [fp] = caller's fp, [fp + 8] = return address. */
#if defined(__x86_64__)
  uint64_t fp = regs->gpr[6]; /* rbp */
#else
  uint64_t fp = regs->gpr[29];
#endif
  for (int i = 0; i < kMaxFrames && fp; i++) {
    if (fp == base_frame)
      return 1;
    uint64_t caller = *(const uint64_t *)fp;
    if (caller == base_frame)
      return 1;
    if (caller <= fp || !is_call_site(*(const uint64_t *)(fp + 8)))
      return 0;
    fp = caller;
  }
#endif
  return 0;
}
