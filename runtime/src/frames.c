/* Whether a parked thread's frames can be transformed: every return address
 * between the migration point and the thread's base frame must be a call
 * site with a stackmap record. A frame of code without metadata (a libc
 * routine calling back into the program) makes the thread go on to its next
 * migration point instead. */
#include "rt.h"

/* The link step brackets the concatenated .llvm_stackmaps blobs with these;
 * a program linked without them has no metadata to check against. */
extern const char __xisa_stackmaps_start[] __attribute__((weak, visibility("hidden")));
extern const char __xisa_stackmaps_end[] __attribute__((weak, visibility("hidden")));

/* LLVM StackMap version 3 (llvm/docs/StackMaps.rst). */
struct sm_header {
  uint8_t version, reserved0;
  uint16_t reserved1;
  uint32_t nr_functions, nr_constants, nr_records;
};
struct sm_function {
  uint64_t address, stack_size, nr_records;
};

static uint64_t align8(uint64_t v) { return (v + 7) & ~7ull; }

/* The stackmap point of a call can sit a few instructions after the call's
 * return address (see docs/design.md): reloads of spilled values, up to 40
 * bytes on ppc64le at -O0; accept a record up to this far. */
enum { kMaxPointDistance = 64 };

static int is_call_site(uint64_t ra) {
  const char *p = __xisa_stackmaps_start, *end = __xisa_stackmaps_end;
  while (p + sizeof(struct sm_header) <= end) {
    const struct sm_header *h = (const struct sm_header *)p;
    if (h->version != 3)
      return 0;
    const struct sm_function *fn = (const struct sm_function *)(h + 1);
    const char *rec = (const char *)(fn + h->nr_functions) + 8ull * h->nr_constants;
    for (uint32_t f = 0; f < h->nr_functions; f++) {
      for (uint64_t r = 0; r < fn[f].nr_records; r++) {
        uint32_t offset = *(const uint32_t *)(rec + 8);
        uint16_t nr_locations = *(const uint16_t *)(rec + 14);
        uint64_t point = fn[f].address + offset;
        if (point >= ra && point - ra <= kMaxPointDistance)
          return 1;
        const char *after = rec + 16 + 12ull * nr_locations;
        after = (const char *)align8((uint64_t)after);
        uint16_t nr_liveouts = *(const uint16_t *)(after + 2);
        rec = (const char *)align8((uint64_t)(after + 4 + 4ull * nr_liveouts));
      }
    }
    p = rec;
  }
  return 0;
}

enum { kMaxFrames = 100000 };

int rt_frames_are_safe(const struct xisa_regs *regs, uint64_t base_frame) {
  if (!__xisa_stackmaps_start || __xisa_stackmaps_end <= __xisa_stackmaps_start)
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
