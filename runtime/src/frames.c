/* Whether a parked thread's frames can be transformed: every return address
 * between the migration point and the thread's base frame must be a call
 * site with a stackmap record. A frame of code without metadata (a libc
 * routine calling back into the program) makes the thread go on to its next
 * migration point instead. */
#include "rt.h"

/* The link step brackets its call-site table (xisa/call_sites.h) with these;
 * a program linked without them has no metadata to check against. */
extern const char __xisa_callsites_start[] __attribute__((weak, visibility("hidden")));
extern const char __xisa_callsites_end[] __attribute__((weak, visibility("hidden")));

/* The table is in the executable's read-only segment, so after a restore
 * on another ISA it is the destination's. */
static int has_table(void) {
  return __xisa_callsites_start && __xisa_callsites_end > __xisa_callsites_start;
}

static uint64_t site_at(uint64_t ra) {
  return rt_call_site(__xisa_callsites_start, __xisa_callsites_end, ra);
}

static int is_call_site(uint64_t ra) { return site_at(ra) != 0; }

uint64_t rt_call_site_point(uint64_t ra) { return has_table() ? site_at(ra) : 0; }

enum { kMaxFrames = 100000 };

int rt_frames_are_safe(const struct xisa_regs *regs, uint64_t base_frame) {
  if (!has_table())
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
