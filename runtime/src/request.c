/* How a migration is asked for: the supervisor's signal, the API, or a hop
 * of the supervisor's schedule, due when the main thread has passed a given
 * number of migration points. Each only marks the request and sets
 * __xisa_poll; threads act on it at their next migration point. */
#include "rt.h"
#include "sys.h"
#include "xisa/xisa.h"

#include <signal.h>
#include <string.h>

static void request(void) {
  __atomic_store_n(&rt.migration.requested, 1, __ATOMIC_RELEASE);
  __atomic_store_n(&__xisa_poll, 1, __ATOMIC_RELEASE);
}

static void on_request(int signo) {
  (void)signo;
  request();
}

void rt_install_request_handler(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_request;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(rt.config.signo, &action, 0);
}

void xisa_request_migration(void) { request(); }

/* Counting needs every point to reach the runtime; without it a point
 * costs one load as before. */
int32_t rt_poll_at_rest(void) { return rt.points.counting ? 1 : 0; }

void rt_count_point(void) {
  struct rt_points *p = &rt.points;
  p->passed++;
  if (p->next_hop < p->nr_hops && p->passed >= p->hop_at[p->next_hop]) {
    /* Taken before parking, so the restored process waits for the next one. */
    p->next_hop++;
    request();
  }
}

void rt_report_points(void) {
  if (rt.config.points_fd < 0)
    return;
  char num[21];
  char *text = rt_format_u64(num, rt.points.passed);
  num[20] = '\n';
  rt_write_full(rt.config.points_fd, text, (size_t)(num + 21 - text));
}
