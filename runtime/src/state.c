/* The runtime's global state and its settings from the environment. */
#include "rt.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

volatile int32_t __xisa_poll;
__thread char *__xisa_ssp __attribute__((tls_model("initial-exec")));
/* Zero-initialised so it takes no room in the executable (.bss); main
 * writes its magic and version. */
struct xisa_park_area __xisa_park_area;
struct rt_state rt;
__thread struct xisa_thread *rt_self __attribute__((tls_model("initial-exec")));

static const struct {
  const char *name;
  int signo;
} kSignalNames[] = {
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"URG", SIGURG}, {"PWR", SIGPWR}, {"WINCH", SIGWINCH},
};

/* XISA_SIGNAL is a number or a name with or without "SIG". */
static int parse_signal(const char *text) {
  if (!text || !*text)
    return SIGUSR2;
  const char *end = text;
  uint64_t n = rt_parse_u64(&end, 10);
  if (end != text && *end == 0)
    return n > 0 && n < 65 && n != SIGKILL && n != SIGSTOP ? (int)n : -1;
  if (strncmp(text, "SIG", 3) == 0)
    text += 3;
  for (size_t i = 0; i < sizeof kSignalNames / sizeof kSignalNames[0]; i++)
    if (strcmp(text, kSignalNames[i].name) == 0)
      return kSignalNames[i].signo;
  return -1;
}

static size_t parse_size(const char *name, size_t fallback) {
  const char *text = getenv(name);
  if (!text || !*text)
    return fallback;
  const char *end = text;
  int hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  if (hex)
    end += 2;
  uint64_t n = rt_parse_u64(&end, hex ? 16 : 10);
  unsigned shift = 0;
  if (*end == 'K' || *end == 'k')
    shift = 10, end++;
  else if (*end == 'M' || *end == 'm')
    shift = 20, end++;
  /* Checked before shifting: a shifted-out high bit would pass as small. */
  if (*end || n >> (62 - shift) || (n << shift) < 65536) {
    rt_message("ignoring ", name, ": expected a size of at least 64K like 8M");
    return fallback;
  }
  return n << shift;
}

/* XISA_HOPS (set by xisa run --hop): increasing counts of the main thread's
 * migration points, comma-separated, at which to ask for a migration. */
static void read_schedule(void) {
  const char *text = getenv("XISA_HOPS");
  struct rt_points *p = &rt.points;
  p->nr_hops = 0;
  if (!text || !*text)
    return;
  for (const char *at = text;;) {
    const char *end = at;
    uint64_t n = rt_parse_u64(&end, 10);
    if (end == at || (*end && *end != ',') || p->nr_hops == RT_MAX_HOPS ||
        (p->nr_hops && n <= p->hop_at[p->nr_hops - 1]) || n == 0) {
      rt_message("ignoring XISA_HOPS=", text, ": expected at most 16 increasing point counts like 100,2500");
      p->nr_hops = 0;
      return;
    }
    p->hop_at[p->nr_hops++] = n;
    if (!*end)
      return;
    at = end + 1;
  }
}

void rt_read_config(void) {
  rt.page_size = getauxval(AT_PAGESZ);
  if (!rt.page_size)
    rt.page_size = 4096;
  const char *sig = getenv("XISA_SIGNAL");
  rt.config.signo = parse_signal(sig);
  if (rt.config.signo < 0) {
    rt_message("XISA_SIGNAL=", sig, " is not a signal this runtime can use (try USR1, USR2 or a number); using USR2");
    rt.config.signo = SIGUSR2;
  }
  const char *fd = getenv("XISA_CTL_FD");
  rt.config.ctl_fd = rt_parse_fd(fd);
  const char *points_fd = getenv("XISA_POINTS_FD");
  rt.config.points_fd = rt_parse_fd(points_fd);
  read_schedule();
  rt.points.counting = rt.points.nr_hops > 0 || rt.config.points_fd >= 0;
  rt.config.stack_size = parse_size("XISA_STACK_SIZE", 8u << 20);
  rt.config.shadow_size = parse_size("XISA_SHADOW_SIZE", 8u << 20);
}

uint32_t rt_wire_isa(void) {
#if defined(__x86_64__)
  return XISA_WIRE_X86_64;
#elif defined(__aarch64__)
  return XISA_WIRE_AARCH64;
#else
  return XISA_WIRE_PPC64LE;
#endif
}
