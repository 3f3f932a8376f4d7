/* Runtime-internal declarations shared by the runtime's C files. */
#ifndef XISA_RT_H
#define XISA_RT_H

#include "xisa/call_sites.h"
#include "xisa/musl_thread.h"
#include "xisa/wire.h"

#include <stddef.h>
#include <stdint.h>

/* ABI with instrumented code (docs/design.md). */
extern volatile int32_t __xisa_poll;
extern __thread char *__xisa_ssp;
extern struct xisa_park_area __xisa_park_area;

/* Settings read once at start-up from the environment. */
struct rt_config {
  int signo;          /* XISA_SIGNAL, default SIGUSR2 */
  int ctl_fd;         /* XISA_CTL_FD, -1 without a supervisor */
  size_t stack_size;  /* XISA_STACK_SIZE: native stack of each thread's user code */
  size_t shadow_size; /* XISA_SHADOW_SIZE: shadow stack of each thread */
  int points_fd;      /* XISA_POINTS_FD: gets the main thread's point count at exit, -1 if none */
};

/* Process-wide runtime state. Everything a restore must reset lives in
 * `migration`, so the restorer clears one struct. */
struct rt_migration {
  volatile uint32_t leader_tid;  /* thread that streams, 0 while none */
  volatile uint32_t generation;  /* bumped when parked threads may go on */
  uint32_t resumed_by_restore;   /* set in a restored process */
  volatile uint32_t requested;   /* a migration was asked for; __xisa_poll alone may only count */
};

/* Counting of the main thread's migration points (xisa run --hop and
 * --count-points). Outside `config` and `migration`, so a restore keeps it:
 * the count and the rest of the schedule go on in the next process. */
#define RT_MAX_HOPS 16
struct rt_points {
  uint32_t counting;             /* __xisa_poll stays set so every point enters the runtime */
  uint32_t nr_hops;              /* XISA_HOPS: ask for a migration at these counts */
  uint32_t next_hop;
  uint64_t hop_at[RT_MAX_HOPS];
  uint64_t passed;               /* points the main thread passed */
  struct xisa_thread *main;      /* the main thread's slot, the one counted */
};

struct rt_state {
  struct rt_config config;
  uint64_t kstack_addr;   /* an address inside the kernel-made main stack */
  long tid_offset;        /* musl's tid field relative to the thread pointer, 0 if unknown */
  char exe_path[XISA_PATH_MAX];
  char *scratch;          /* runtime-owned buffer for /proc/self/maps, never streamed */
  size_t scratch_size;
  uint64_t page_size;
  int argc;
  char **argv;
  char **envp;
  struct rt_migration migration;
  struct rt_points points;
};

extern struct rt_state rt;

/* Thread slot i of the park area (threads.c maps them at start-up). */
static inline struct xisa_thread *rt_slot(uint32_t i) {
  return (struct xisa_thread *)__xisa_park_area.threads + i;
}

/* This thread's slot in the park area, set by the base frame. */
extern __thread struct xisa_thread *rt_self;

/* Per-ISA assembly (arch/<isa>.S). */
/* The base frames: __real_main on the stack ending at `top`, then exit();
 * a thread's start routine. Both store their frame address (what the
 * program's outermost frame links to) in *base_frame. */
__attribute__((noreturn)) void __xisa_start_main(int argc, char **argv, char **envp, void *top,
                                                 uint64_t *base_frame);
__attribute__((noreturn)) void __xisa_call_thread(void *(*fn)(void *), void *arg,
                                                  uint64_t *base_frame);
/* thread_create.c: where a thread's base frame returns to; ends the thread. */
__attribute__((noreturn)) void __xisa_thread_exit(void *result);
/* Loads the callee-saved registers, stack pointer and thread pointer of
 * `regs` and continues at regs->pc as if __xisa_mig_point returned there. */
__attribute__((noreturn)) void __xisa_resume(const struct xisa_regs *regs);
/* clone(2) with these arguments; the new thread runs __xisa_resume(regs).
 * Returns the new tid, or -errno. */
long __xisa_clone_resume(unsigned long flags, void *stack, int32_t *ptid, uint64_t tls,
                         volatile int *ctid, const struct xisa_regs *regs);

/* config.c */
void rt_read_config(void);
/* threads.c */
int rt_map_slots(void);
struct xisa_thread *rt_claim_slot(void);
void rt_release_slot(struct xisa_thread *slot);
int rt_alloc_stacks(struct xisa_thread *slot);
/* A stack mapping of size bytes, [*lo, *hi), with a PROT_NONE guard page
 * below it; returns the mapping's start (the guard), 0 on failure. */
void *rt_map_stack(size_t size, uint64_t *lo, uint64_t *hi);
/* thread_area.c: this ISA's musl descriptor layout; the program's TLS
 * segment (bytes, alignment of at least 16); the descriptor of the thread
 * pointer tp; musl's tid field relative to tp, checked against tid (0 if
 * it does not hold tid). */
extern const struct xisa_musl_layout rt_musl;
void rt_tls_segment(size_t *size, size_t *align);
char *rt_descriptor(uint64_t tp);
long rt_find_tid_offset(uint64_t tp, long tid);
/* park.c: called by __xisa_mig_point with the registers it saved. */
void __xisa_park(struct xisa_regs *regs);
/* request.c: what __xisa_poll holds while no migration is requested (1
 * while counting points); counts one point of the main thread, asking for
 * a migration when a hop is due; writes the count to XISA_POINTS_FD (at exit,
 * a destructor). */
int32_t rt_poll_at_rest(void);
void rt_count_point(void);
void rt_report_points(void);
/* frames.c: nonzero when every frame from `regs` to the base is at a call
 * site with migration metadata; the point of the record of the call that
 * returns to ra, 0 if none (or the program has no call-site table). */
int rt_frames_are_safe(const struct xisa_regs *regs, uint64_t base_frame);
uint64_t rt_call_site_point(uint64_t ra);
/* call_sites.c: the point of the record of the call returning to ra in the
 * call-site table [table, end) (xisa/call_sites.h); 0 if ra is no call site. */
uint64_t rt_call_site(const char *table, const char *end, uint64_t ra);
/* jmp_bufs.c: called by __xisa_setjmp and __xisa_sigsetjmp with the buffer
 * and their caller's stack pointer once setjmp returns. */
void __xisa_note_jmp_buf(void *buf, uint64_t sp);
/* stream.c: writes the wire stream of the parked process to `fd`. */
int rt_stream_process(int fd);
/* maps.c: reads /proc/self/maps into buf (NUL-terminated); parses one line
 * into r (flags: SHARED only) and returns the next line. */
int rt_read_maps(char *buf, size_t size);
const char *rt_parse_maps_line(const char *line, struct xisa_region *r);
/* restore.c: replaces this process with the one streamed on `fd`; returns
 * only if the stream was rejected before anything was changed. */
void rt_restore_from(int fd);
/* message.c: "xisa runtime: <text>\n" on stderr without libc. */
void rt_message(const char *a, const char *b, const char *c);
char *rt_map_scratch(size_t size);
/* The number in base `base` (2..36) at *p, which moves past its digits.
 * The runtime's own parser: musl's strtoull brings its stdio-based scanner
 * (about 2.5 KB of code per ISA) into every program. */
uint64_t rt_parse_u64(const char **p, unsigned base);
/* A file descriptor in decimal, -1 unless `text` is one. */
int rt_parse_fd(const char *text);
/* Decimal text of v into buf (at least 21 bytes). */
char *rt_format_u64(char *buf, uint64_t v);
/* The wire name of the ISA this runtime was built for. */
uint32_t rt_wire_isa(void);

#endif
