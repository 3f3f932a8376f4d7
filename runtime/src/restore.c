/* The destination side: a fresh process of the same program reads a wire
 * stream, checks all of it that can be checked before anything changes,
 * then maps every region at its address, fills it, and resumes the parked
 * thread where __xisa_mig_point would have returned. From the first mapping
 * on, nothing here may touch libc or the runtime's globals, which are being
 * replaced by the source's; only locals on the kernel-made stack and the
 * restore buffer, at an address the source never uses, survive. */
#include "rt.h"
#include "sys.h"

#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

/* Far from where the kernel or qemu-user place anything of a static
 * program, and below XISA_ADDRESS_LIMIT, the end of qemu-user's guest. */
#define RESTORE_BUFFER_ADDR 0x3f0000000000ull
#define OWN_MAPS_BYTES (256u << 10)

enum { kRejected = 125, kFailedMidway = 126 };

struct restore {
  int fd;
  struct xisa_wire_header header;
  struct xisa_thread *threads;
  struct xisa_sigaction *actions;
  struct xisa_region *regions;
  char *own_maps;
  uint8_t *bitmap;
  char *buffer;
  size_t buffer_size;
  uint64_t page;
};

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

static int overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1) { return a0 < b1 && b0 < a1; }

static int check_header(const struct xisa_wire_header *h) {
  char num[21];
  if (memcmp(h->magic, XISA_WIRE_MAGIC, 8) != 0) {
    rt_message("the restore stream is not an xisa process stream (bad magic)", "", "");
    return -1;
  }
  if (h->version != XISA_WIRE_VERSION) {
    rt_message("the restore stream has version ", rt_format_u64(num, h->version),
               "; this runtime reads version 1");
    return -1;
  }
  if (h->isa != rt_wire_isa()) {
    rt_message("the restore stream was made for another ISA; transform it first (xisa migrate does)",
               "", "");
    return -1;
  }
  if (h->page_size != rt.page_size) {
    rt_message("the restore stream's page size differs from this system's: ",
               rt_format_u64(num, h->page_size), "");
    return -1;
  }
  if (h->nr_threads == 0 || h->nr_threads > XISA_MAX_THREADS) {
    rt_message("the restore stream's thread count is out of range: ", rt_format_u64(num, h->nr_threads),
               "");
    return -1;
  }
  if (h->nr_sigactions > 64 || h->nr_regions == 0 || h->nr_regions > 65536) {
    rt_message("the restore stream's tables are corrupt (signal or region count out of range)", "", "");
    return -1;
  }
  return 0;
}

static int find_own(const struct restore *rs, uint64_t start, uint64_t end, struct xisa_region *out) {
  for (const char *p = rs->own_maps; *p;) {
    p = rt_parse_maps_line(p, out);
    if (out->start == start && out->end == end)
      return 1;
  }
  return 0;
}

static int own_kstack(const struct restore *rs, uint64_t addr, struct xisa_region *out) {
  for (const char *p = rs->own_maps; *p;) {
    p = rt_parse_maps_line(p, out);
    if (addr >= out->start && addr < out->end)
      return 1;
  }
  return 0;
}

/* Everything about the regions that can fail, checked before any change. */
static int check_regions(struct restore *rs, uint64_t *max_bitmap) {
  const struct xisa_wire_header *h = &rs->header;
  struct xisa_region kstack;
  if (!own_kstack(rs, rt.kstack_addr, &kstack)) {
    rt_message("cannot find this process's own stack in /proc/self/maps", "", "");
    return -1;
  }
  uint64_t total = 0, previous_end = 0;
  *max_bitmap = 0;
  for (uint32_t i = 0; i < h->nr_regions; i++) {
    const struct xisa_region *r = &rs->regions[i];
    if (r->start >= r->end || r->start % rs->page || r->end % rs->page || r->start < previous_end) {
      rt_message("the restore stream's region table is corrupt (unaligned, empty or unsorted region)", "",
                 "");
      return -1;
    }
    previous_end = r->end;
    uint64_t pages = (r->end - r->start) / rs->page;
    if (r->flags & XISA_REGION_CONTENTS) {
      uint64_t bitmap = XISA_BITMAP_BYTES(pages);
      if (r->data_bytes < bitmap || (r->data_bytes - bitmap) % rs->page ||
          r->data_bytes - bitmap > pages * rs->page) {
        rt_message("the restore stream's region table is corrupt (content size does not fit region)", "",
                   "");
        return -1;
      }
      if (bitmap > *max_bitmap)
        *max_bitmap = bitmap;
      total += r->data_bytes;
    }
    if (r->flags & (XISA_REGION_KSTACK | XISA_REGION_KERNEL))
      continue;
    if (r->end > XISA_ADDRESS_LIMIT) {
      rt_message("a region of the checkpoint lies above 64 TiB (XISA_ADDRESS_LIMIT), where not every ISA "
                 "nor qemu-user can map it: ",
                 r->path[0] ? r->path : "(anonymous)",
                 "; a migratable program must keep its mappings below (no MAP_FIXED up there)");
      return -1;
    }
    struct xisa_region own;
    if ((r->flags & XISA_REGION_EXE) && !(r->flags & XISA_REGION_CONTENTS)) {
      if (!find_own(rs, r->start, r->end, &own) || own.prot != r->prot) {
        rt_message("this executable does not match the checkpoint: it has no mapping like the source's ",
                   r->path, "; restore with the same program (or its build for this ISA)");
        return -1;
      }
      continue;
    }
    if (overlaps(r->start, r->end, kstack.start, kstack.end) ||
        overlaps(r->start, r->end, (uint64_t)rs->buffer, (uint64_t)rs->buffer + rs->buffer_size)) {
      rt_message("a region of the checkpoint collides with this process's stack or restore buffer: ",
                 r->path[0] ? r->path : "(anonymous)", "");
      return -1;
    }
  }
  if (total != h->contents_bytes) {
    rt_message("the restore stream's header and region table disagree about the content size", "", "");
    return -1;
  }
  return 0;
}

/* Reads header and tables into a buffer at RESTORE_BUFFER_ADDR. */
static int load_tables(struct restore *rs) {
  struct xisa_wire_header *h = &rs->header;
  if (rt_read_full(rs->fd, h, sizeof *h) < 0) {
    rt_message("the restore stream ended before its header; is XISA_RESTORE_FD right?", "", "");
    return -1;
  }
  if (check_header(h) < 0)
    return -1;
  rs->page = h->page_size;
  size_t tables = h->nr_threads * sizeof(struct xisa_thread) +
                  h->nr_sigactions * sizeof(struct xisa_sigaction) +
                  h->nr_regions * sizeof(struct xisa_region);
  rs->buffer_size = round_up(tables + OWN_MAPS_BYTES, rs->page) + (64u << 20);
  void *p = rt_mmap((void *)RESTORE_BUFFER_ADDR, rs->buffer_size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE);
  if (rt_mmap_failed(p) || p != (void *)RESTORE_BUFFER_ADDR) {
    rt_message("cannot map the restore buffer at its fixed address", "", "");
    return -1;
  }
  rs->buffer = p;
  rs->threads = p;
  rs->actions = (struct xisa_sigaction *)(rs->threads + h->nr_threads);
  rs->regions = (struct xisa_region *)(rs->actions + h->nr_sigactions);
  rs->own_maps = (char *)(rs->regions + h->nr_regions);
  rs->bitmap = (uint8_t *)round_up((uint64_t)rs->own_maps + OWN_MAPS_BYTES, 8);
  if (rt_read_full(rs->fd, rs->threads, tables) < 0) {
    rt_message("the restore stream ended inside its tables (truncated)", "", "");
    return -1;
  }
  if (rt_read_maps(rs->own_maps, OWN_MAPS_BYTES) < 0) {
    rt_message("cannot read /proc/self/maps", "", "");
    return -1;
  }
  uint64_t max_bitmap;
  if (check_regions(rs, &max_bitmap) < 0)
    return -1;
  if ((uint64_t)(rs->bitmap + max_bitmap) > (uint64_t)rs->buffer + rs->buffer_size) {
    rt_message("a region of the checkpoint is too large for the restore buffer", "", "");
    return -1;
  }
  return 0;
}

static __attribute__((noreturn)) void fail_midway(const char *what) {
  rt_message("restore failed after memory was replaced: ", what, "; the process cannot go on");
  rt_exit_group(kFailedMidway);
}

static int bit(const uint8_t *bitmap, uint64_t i) { return bitmap[i / 8] >> (i % 8) & 1; }

/* Point of no return: the process's memory becomes the source's. */
static void fill_region(const struct restore *rs, const struct xisa_region *r) {
  uint64_t len = r->end - r->start;
  void *p = rt_mmap((void *)r->start, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
  if (rt_mmap_failed(p))
    fail_midway("cannot map a region at its address");
  if (r->flags & XISA_REGION_CONTENTS) {
    uint64_t pages = len / rs->page;
    if (rt_read_full(rs->fd, rs->bitmap, XISA_BITMAP_BYTES(pages)) < 0)
      fail_midway("the stream ended inside a region");
    for (uint64_t i = 0; i < pages;) {
      if (!bit(rs->bitmap, i)) {
        i++;
        continue;
      }
      uint64_t first = i;
      while (i < pages && bit(rs->bitmap, i))
        i++;
      if (rt_read_full(rs->fd, (void *)(r->start + first * rs->page), (i - first) * rs->page) < 0)
        fail_midway("the stream ended inside a region");
    }
  }
  int prot = (r->prot & XISA_PROT_READ ? PROT_READ : 0) | (r->prot & XISA_PROT_WRITE ? PROT_WRITE : 0) |
             (r->prot & XISA_PROT_EXEC ? PROT_EXEC : 0);
  if (rt_syscall3(SYS_mprotect, r->start, len, prot) < 0)
    fail_midway("cannot set a region's protection");
}

static void restore_kernel_state(const struct restore *rs, const struct xisa_thread *t) {
  for (uint32_t i = 0; i < rs->header.nr_sigactions; i++) {
    const struct xisa_sigaction *a = &rs->actions[i];
    rt_sigaction((int)a->signo, a->handler, a->flags, a->restorer, a->mask);
  }
  rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &t->sigmask, 0, 8);
  if (rs->header.clear_child_tid)
    rt_syscall1(SYS_set_tid_address, rs->header.clear_child_tid);
}

/* The slot the source kept thread t in. */
static struct xisa_thread *slot_of(const struct xisa_thread *t) {
  struct xisa_park_area *area = &__xisa_park_area;
  for (uint32_t i = 0; i < area->nr_slots && i < XISA_MAX_THREADS; i++)
    if (rt_slot(i)->state == XISA_THREAD_PARKED && rt_slot(i)->tid == t->tid)
      return rt_slot(i);
  fail_midway("a thread of the stream has no parked slot in the restored park area");
}

/* Where this ISA's musl keeps the tid of the thread whose thread pointer is
 * tp, or 0 when unknown. */
static int32_t *musl_tid(const struct xisa_thread *t, const struct rt_state *own) {
  return own->tid_offset ? (int32_t *)(t->regs.tp + (uint64_t)own->tid_offset) : 0;
}

static void adopt_slot(struct xisa_thread *slot, const struct xisa_thread *t, const struct rt_state *own) {
  *slot = *t;
  slot->state = XISA_THREAD_RUNNING;
  slot->tid_addr = (uint64_t)musl_tid(t, own);
  __atomic_add_fetch(&__xisa_park_area.nr_running, 1, __ATOMIC_ACQ_REL);
}

/* musl's lock of its thread list: what the kernel clears and wakes when a
 * thread exits (musl passes it to clone and set_tid_address). */
extern volatile int __thread_list_lock;

/* Recreates a parked thread other than this one; it goes on where it parked. */
static void start_thread(const struct xisa_thread *t, const struct rt_state *own) {
  struct xisa_thread *slot = slot_of(t);
  adopt_slot(slot, t, own);
  /* Its registers go below its stack pointer, in what was the frame of
   * __xisa_mig_point. */
  struct xisa_regs *regs = (struct xisa_regs *)((t->regs.sp - 4096 - sizeof *regs) & ~15ull);
  *regs = t->regs;
  int32_t *tid_field = musl_tid(t, own);
  unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                        CLONE_SYSVSEM | CLONE_SETTLS | CLONE_CHILD_CLEARTID |
                        (tid_field ? CLONE_PARENT_SETTID : 0);
  /* A new thread starts with its creator's signal mask. */
  rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &t->sigmask, 0, 8);
  long tid = __xisa_clone_resume(flags, regs, tid_field, t->regs.tp, &__thread_list_lock, regs);
  if (tid < 0)
    fail_midway("cannot create a thread");
  slot->tid = (uint32_t)tid;
}

/* musl's state that its start-up computed for the ISA it runs on (the TLS
 * layout of new threads, the auxiliary vector on this process's own
 * kernel-made stack, the hardware capabilities): the restored memory holds
 * the source's, which this process's musl must not use. */
extern struct xisa_musl_libc __libc;
extern unsigned long __hwcap;

struct musl_machine {
  struct xisa_musl_libc libc;
  struct xisa_musl_tls_module tls_module;
  unsigned long hwcap;
};

static void save_musl_machine(struct musl_machine *m) {
  m->libc = __libc;
  if (__libc.tls_head)
    m->tls_module = *(struct xisa_musl_tls_module *)__libc.tls_head;
  m->hwcap = __hwcap;
}

static void adopt_musl_machine(const struct musl_machine *m) {
  __libc.auxv = m->libc.auxv;
  __libc.tls_head = m->libc.tls_head;
  __libc.tls_size = m->libc.tls_size;
  __libc.tls_align = m->libc.tls_align;
  __libc.tls_cnt = m->libc.tls_cnt;
  __libc.page_size = m->libc.page_size;
  if (m->libc.tls_head)
    *(struct xisa_musl_tls_module *)m->libc.tls_head = m->tls_module;
  __hwcap = m->hwcap;
}

/* The runtime's own globals now hold the source's values; make them this
 * process's, with this thread as the stream's first. */
static void adopt_runtime_state(const struct xisa_thread *t, const struct rt_state *own, long tid) {
  struct xisa_park_area *area = &__xisa_park_area;
  struct xisa_thread *slot = slot_of(t);
  area->nr_parked = 0;
  area->nr_running = 0;
  area->isa = rt_wire_isa();
  adopt_slot(slot, t, own);
  slot->tid = (uint32_t)tid;
  if (slot->tid_addr)
    *(int32_t *)slot->tid_addr = (int32_t)tid;
  rt.config = own->config;
  rt.kstack_addr = own->kstack_addr;
  rt.page_size = own->page_size;
  memcpy(rt.exe_path, own->exe_path, sizeof rt.exe_path);
  memset(&rt.migration, 0, sizeof rt.migration);
  rt.migration.resumed_by_restore = 1;
  rt.scratch = rt_map_scratch(rt.scratch_size);
  rt_index_call_sites(); /* an index of another ISA's stackmaps is made again */
  __atomic_store_n(&__xisa_poll, rt_poll_at_rest(), __ATOMIC_RELEASE); /* counting goes on */
}

void rt_restore_from(int fd) {
  struct restore rs;
  memset(&rs, 0, sizeof rs);
  rs.fd = fd;
  if (load_tables(&rs) < 0)
    return;
  const struct xisa_wire_header *h = &rs.header;
  uint64_t own_brk = (uint64_t)rt_syscall1(SYS_brk, 0);
  if (h->brk != own_brk && (uint64_t)rt_syscall1(SYS_brk, h->brk) != h->brk) {
    rt_message("cannot move the program break to the checkpoint's; was the source run with address "
               "randomization on?",
               "", "");
    return;
  }
  /* Locals from here on: the globals are about to change. */
  struct rt_state own = rt;
  struct musl_machine musl;
  save_musl_machine(&musl);
  long tid = rt_gettid();
  struct xisa_thread thread = rs.threads[0];
  for (uint32_t i = 0; i < h->nr_regions; i++) {
    const struct xisa_region *r = &rs.regions[i];
    int destination_has_it = (r->flags & (XISA_REGION_KSTACK | XISA_REGION_KERNEL)) ||
                             ((r->flags & XISA_REGION_EXE) && !(r->flags & XISA_REGION_CONTENTS));
    if (!destination_has_it)
      fill_region(&rs, r);
  }
  struct xisa_wire_trailer trailer;
  if (rt_read_full(fd, &trailer, sizeof trailer) < 0 ||
      memcmp(trailer.magic, XISA_WIRE_TRAILER_MAGIC, 8) != 0 ||
      trailer.contents_bytes != h->contents_bytes)
    fail_midway("the stream's trailer is missing or wrong");
  restore_kernel_state(&rs, &thread);
  adopt_runtime_state(&thread, &own, tid);
  adopt_musl_machine(&musl);
  for (uint32_t i = 1; i < h->nr_threads; i++)
    start_thread(&rs.threads[i], &own);
  rt_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &thread.sigmask, 0, 8);
  rt_syscall1(SYS_close, fd);
  struct xisa_regs regs __attribute__((aligned(16))) = thread.regs;
  rt_syscall3(SYS_munmap, rs.buffer, rs.buffer_size, 0);
  if (own.config.ctl_fd >= 0) {
    char ack = XISA_RESTORED_ACK;
    rt_write_full(own.config.ctl_fd, &ack, 1);
  }
#if defined(__x86_64__)
  rt_syscall2(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, regs.tp);
#endif
  __xisa_resume(&regs);
}
