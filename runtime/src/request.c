/* How a migration is asked for: the supervisor's signal or the API. Both only
 * set __xisa_poll; threads act on it at their next migration point. */
#include "rt.h"
#include "xisa/xisa.h"

#include <signal.h>
#include <string.h>

static void on_request(int signo) {
  (void)signo;
  __atomic_store_n(&__xisa_poll, 1, __ATOMIC_RELEASE);
}

void rt_install_request_handler(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_request;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(rt.config.signo, &action, 0);
}

void xisa_request_migration(void) { __atomic_store_n(&__xisa_poll, 1, __ATOMIC_RELEASE); }
