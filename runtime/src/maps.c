/* Reading /proc/self/maps without libc (qemu-user emulates it for the guest,
 * so it lists the guest's mappings there too). */
#include "rt.h"
#include "sys.h"

#include <fcntl.h>
#include <string.h>

int rt_read_maps(char *buf, size_t size) {
  long fd = rt_syscall4(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return (int)fd;
  size_t used = 0;
  long n;
  while (used + 1 < size && (n = rt_read((int)fd, buf + used, size - 1 - used)) > 0)
    used += (size_t)n;
  rt_syscall1(SYS_close, fd);
  if (used + 1 >= size)
    return -1;
  buf[used] = 0;
  return 0;
}

static const char *skip_field(const char *p) {
  while (*p && *p != ' ' && *p != '\n')
    p++;
  while (*p == ' ')
    p++;
  return p;
}

/* "start-end perms offset dev inode   path" */
const char *rt_parse_maps_line(const char *p, struct xisa_region *r) {
  memset(r, 0, sizeof *r);
  r->start = rt_parse_u64(&p, 16);
  p++;
  r->end = rt_parse_u64(&p, 16);
  p++;
  r->prot = (p[0] == 'r' ? XISA_PROT_READ : 0) | (p[1] == 'w' ? XISA_PROT_WRITE : 0) |
            (p[2] == 'x' ? XISA_PROT_EXEC : 0);
  if (p[3] == 's')
    r->flags |= XISA_REGION_SHARED;
  p = skip_field(p);
  r->offset = rt_parse_u64(&p, 16);
  p = skip_field(p);
  p = skip_field(p);
  p = skip_field(p);
  size_t n = 0;
  while (*p && *p != '\n') {
    if (n + 1 < XISA_PATH_MAX)
      r->path[n++] = *p;
    p++;
  }
  return *p ? p + 1 : p;
}

