/* What a thread does at a migration point once __xisa_poll is set: park with
 * its registers in the park area; the first parked thread leads, waits for
 * the rest, streams the process to the supervisor and carries out its
 * verdict. */
#include "rt.h"
#include "sys.h"

#include <poll.h>
#include <signal.h>
#include <string.h>

/* Callee-saved registers by DWARF number: the ones a parked frame needs. */
#if defined(__x86_64__)
static const uint8_t kSavedGpr[] = {3, 6, 12, 13, 14, 15};
static const uint8_t kSavedFpr[] = {0};
static const uint8_t kSavedVr[] = {0};
enum { kNumGpr = 6, kNumFpr = 0, kNumVr = 0, kSpDwarf = 7 };
static const uint64_t kCtlMask = 0xffffffffffffull; /* mxcsr, x87 control word */
#elif defined(__aarch64__)
static const uint8_t kSavedGpr[] = {19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
static const uint8_t kSavedFpr[] = {8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t kSavedVr[] = {0};
enum { kNumGpr = 12, kNumFpr = 8, kNumVr = 0, kSpDwarf = 31 };
static const uint64_t kCtlMask = 0xffffffffull;
#else
static const uint8_t kSavedGpr[] = {2,  13, 14, 15, 16, 17, 18, 19, 20, 21,
                                    22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
static const uint8_t kSavedFpr[] = {14, 15, 16, 17, 18, 19, 20, 21, 22,
                                    23, 24, 25, 26, 27, 28, 29, 30, 31};
static const uint8_t kSavedVr[] = {20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
enum { kNumGpr = 20, kNumFpr = 18, kNumVr = 12, kSpDwarf = 1 };
static const uint64_t kCtlMask = 0xffffffffull;
#endif

/* The asm entry saved into a stack area whose other fields hold garbage;
 * keep only what it saved. */
static void copy_saved(struct xisa_regs *to, const struct xisa_regs *from) {
  memset(to, 0, sizeof *to);
  to->pc = from->pc;
  to->sp = from->sp;
  to->tp = rt_thread_pointer();
  to->ctl = from->ctl & kCtlMask;
  for (int i = 0; i < kNumGpr; i++)
    to->gpr[kSavedGpr[i]] = from->gpr[kSavedGpr[i]];
  to->gpr[kSpDwarf] = from->sp;
  for (int i = 0; i < kNumFpr; i++)
    to->fpr[kSavedFpr[i]] = from->fpr[kSavedFpr[i]];
  for (int i = 0; i < kNumVr; i++)
    memcpy(to->vr[kSavedVr[i]], from->vr[kSavedVr[i]], 16);
}

/* musl's headers carry no <linux/futex.h>. */
enum { kFutexWaitPrivate = 0 | 128, kFutexWakePrivate = 1 | 128 };

static void futex_wait(volatile uint32_t *addr, uint32_t value) {
  rt_syscall4(SYS_futex, addr, kFutexWaitPrivate, value, 0);
}

static void futex_wake_all(volatile uint32_t *addr) {
  rt_syscall3(SYS_futex, addr, kFutexWakePrivate, 0x7fffffff);
}

/* The request is served (or dropped): points go back to polling only. */
static void end_request(void) {
  __atomic_store_n(&rt.migration.requested, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&__xisa_poll, rt_poll_at_rest(), __ATOMIC_RELEASE);
}

static void resume_all(void) {
  struct xisa_park_area *area = &__xisa_park_area;
  end_request();
  for (uint32_t i = 0; i < area->nr_slots; i++) {
    uint32_t parked = XISA_THREAD_PARKED;
    __atomic_compare_exchange_n(&rt_slot(i)->state, &parked, XISA_THREAD_RUNNING, 0,
                                __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
  }
  __atomic_store_n(&area->nr_parked, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&rt.migration.leader_tid, 0, __ATOMIC_RELEASE);
  __atomic_add_fetch(&rt.migration.generation, 1, __ATOMIC_ACQ_REL);
  futex_wake_all(&rt.migration.generation);
}

/* Nonzero when the supervisor sent a byte early: it gave up waiting for
 * every thread to park. */
static int supervisor_cancelled(int wait_ms) {
  struct pollfd pfd = {.fd = rt.config.ctl_fd, .events = POLLIN};
  struct timespec ts = {0, wait_ms * 1000000L};
  if (rt_syscall6(SYS_ppoll, (long)&pfd, 1, (long)&ts, 0, 8, 0) <= 0)
    return 0;
  char verdict;
  rt_read(rt.config.ctl_fd, &verdict, 1);
  return 1;
}

static void lead(void) {
  struct xisa_park_area *area = &__xisa_park_area;
  while (__atomic_load_n(&area->nr_parked, __ATOMIC_ACQUIRE) <
         __atomic_load_n(&area->nr_running, __ATOMIC_ACQUIRE))
    if (supervisor_cancelled(1)) {
      resume_all();
      return;
    }
  if (rt_stream_process(rt.config.ctl_fd) < 0) {
    rt_message("could not stream the process to the supervisor; going on here", "", "");
    resume_all();
    return;
  }
  char verdict = 0;
  int err = rt_read_full(rt.config.ctl_fd, &verdict, 1);
  if (err == 0 && verdict == XISA_VERDICT_EXIT)
    rt_exit_group(0); /* the process runs on elsewhere; flush nothing here */
  if (err < 0) {
    rt_message("the supervisor went away; going on without migration", "", "");
    rt.config.ctl_fd = -1;
  }
  resume_all();
}

void __xisa_park(struct xisa_regs *saved) {
  struct xisa_thread *self = rt_self;
  if (!self)
    return; /* start-up or exit code outside any base frame */
  if (self == rt.points.main)
    rt_count_point();
  if (!__atomic_load_n(&rt.migration.requested, __ATOMIC_ACQUIRE))
    return; /* only counting */
  if (rt.config.ctl_fd < 0) {
    end_request(); /* nobody to migrate to */
    return;
  }
  if (!rt_frames_are_safe(saved, self->base_frame))
    return; /* try again at the next point */
  uint32_t generation = __atomic_load_n(&rt.migration.generation, __ATOMIC_ACQUIRE);
  copy_saved(&self->regs, saved);
  self->site = rt_call_site_point(saved->pc);
  rt_syscall4(SYS_rt_sigprocmask, SIG_BLOCK, 0, &self->sigmask, 8);
  __atomic_store_n(&self->state, XISA_THREAD_PARKED, __ATOMIC_RELEASE);
  __atomic_add_fetch(&__xisa_park_area.nr_parked, 1, __ATOMIC_ACQ_REL);
  uint32_t none = 0;
  if (__atomic_compare_exchange_n(&rt.migration.leader_tid, &none, self->tid, 0, __ATOMIC_ACQ_REL,
                                  __ATOMIC_RELAXED)) {
    lead();
    return;
  }
  while (__atomic_load_n(&rt.migration.generation, __ATOMIC_ACQUIRE) == generation)
    futex_wait(&rt.migration.generation, generation);
}
