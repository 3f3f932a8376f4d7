/* Small helpers that must work without libc's state (the restore path). */
#include "rt.h"
#include "sys.h"

#include <errno.h>
#include <sys/mman.h>

int rt_read_full(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len) {
    long n = rt_read(fd, p, len);
    if (n == -EINTR)
      continue;
    if (n < 0)
      return (int)n;
    if (n == 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int rt_write_full(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    long n = rt_write(fd, p, len);
    if (n == -EINTR)
      continue;
    if (n < 0)
      return (int)n;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static size_t length(const char *s) {
  size_t n = 0;
  while (s && s[n])
    n++;
  return n;
}

void rt_message(const char *a, const char *b, const char *c) {
  char line[512];
  size_t n = 0;
  const char *parts[] = {"xisa runtime: ", a, b, c, "\n"};
  for (size_t i = 0; i < 5; i++)
    for (size_t j = 0; j < length(parts[i]) && n < sizeof line; j++)
      line[n++] = parts[i][j];
  rt_write_full(2, line, n);
}

uint64_t rt_parse_u64(const char **p, unsigned base) {
  uint64_t v = 0;
  for (;; (*p)++) {
    char c = **p;
    unsigned digit = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'z' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'Z' ? (unsigned)(c - 'A' + 10)
                                            : base;
    if (digit >= base)
      return v;
    v = v > (UINT64_MAX - digit) / base ? UINT64_MAX : v * base + digit; /* saturates, like strtoull */
  }
}

int rt_parse_fd(const char *text) {
  const char *end = text;
  uint64_t n = text ? rt_parse_u64(&end, 10) : 0;
  return end == text || *end || n > 0x7fffffff ? -1 : (int)n;
}

char *rt_format_u64(char *buf, uint64_t v) {
  char *p = buf + 20;
  *p = 0;
  do
    *--p = (char)('0' + v % 10);
  while (v /= 10);
  return p;
}

/* MAP_SHARED so the kernel never merges it with a neighbouring private
 * mapping: the stream leaves exactly this range out. */
char *rt_map_scratch(size_t size) {
  void *p = rt_mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
  return rt_mmap_failed(p) ? 0 : p;
}
