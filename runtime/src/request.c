/* How a migration is asked for: the supervisor's signal, the API, or a hop
 * of the supervisor's schedule, due when the main thread has passed a given
 * number of migration points. Each only marks the request and sets
 * __xisa_poll; threads act on it at their next migration point. */
#include "rt.h"
#include "sys.h"
#include "xisa/xisa.h"

#include <signal.h>

static void request(void) {
  __atomic_store_n(&rt.migration.requested, 1, __ATOMIC_RELEASE);
  __atomic_store_n(&__xisa_poll, 1, __ATOMIC_RELEASE);
}

static void on_request(int signo) {
  (void)signo;
  request();
}

/* musl's signal return trampoline, which its sigaction gives the kernel
 * too. The kernel's call instead of musl's sigaction, which brings its
 * bookkeeping for programs' handlers (~0.6-1 KB per ISA) into every one. */
void __restore_rt(void);

void rt_install_request_handler(void) {
  rt_sigaction(rt.config.signo, (uint64_t)on_request, SA_RESTART | SA_RESTORER, (uint64_t)__restore_rt, 0);
}

void xisa_request_migration(void) { request(); }

/* Counting needs every point to reach the runtime; without it a point
 * costs one load as before. */
int32_t rt_poll_at_rest(void) { return rt.points.counting ? 1 : 0; }

void rt_count_point(void) {
  struct rt_points *p = &rt.points;
  p->passed++;
  /* A hop that comes due while the previous request still waits for safe
   * frames (a callback under libc, a poll before its record) waits too:
   * taking it now would drop it. The restored process takes it at once. */
  if (p->next_hop < p->nr_hops && p->passed >= p->hop_at[p->next_hop] &&
      !__atomic_load_n(&rt.migration.requested, __ATOMIC_ACQUIRE)) {
    /* Taken before parking, so the restored process waits for the next one. */
    p->next_hop++;
    request();
  }
}

/* A destructor of the lowest priority runs after the program's atexit
 * handlers and destructors; atexit itself would bring musl's __cxa_atexit
 * and calloc into every program. */
__attribute__((destructor(101))) void rt_report_points(void) {
  if (rt.config.points_fd < 0)
    return;
  char num[21];
  char *text = rt_format_u64(num, rt.points.passed);
  num[20] = '\n';
  rt_write_full(rt.config.points_fd, text, (size_t)(num + 21 - text));
}
