// The container workload for the migration tests and benchmark: a counter
// plus a TCP server that answers with its state. Static musl, no libc
// surprises inside a bare rootfs.
//
//   stateful_server PORT MEM_MIB
//
// State that must survive a migration hop:
//   - served: requests answered so far, over every connection (exact);
//   - ticks: a counter advanced by the main loop (only ever grows);
//   - memory: MEM_MIB MiB filled with a pattern derived from each page's
//     index, checked in full on "check" (so every page, lazily restored or
//     not, is read back).
//   - its host name (UTS namespace), which the restore writes back;
//   - /dev: its entries (name, type, mode, owner, device number, link
//     target), which the restore rebuilds from the dumped tmpfs archive.
// Protocol: one line per request, one line per answer. "get" answers
// "served=N ticks=T", "check" answers "check=ok pages=P" or "check=bad page=I",
// "dev" answers "dev=HASH entries=N" (HASH does not depend on readdir order),
// "host" answers "host=NAME".
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

enum { max_clients = 16, page_size = 4096 };

static uint64_t served;
static uint64_t ticks;
static uint64_t *memory;
static size_t pages;

static uint64_t pattern(size_t page, size_t word) { return (page * 0x9e3779b97f4a7c15ull) ^ word; }

static void fill_memory(void) {
  for (size_t p = 0; p < pages; p++)
    for (size_t w = 0; w < page_size / 8; w++)
      memory[p * (page_size / 8) + w] = pattern(p, w);
}

// Index of the first page whose contents differ from the pattern, or pages.
static size_t check_memory(void) {
  for (size_t p = 0; p < pages; p++)
    for (size_t w = 0; w < page_size / 8; w++)
      if (memory[p * (page_size / 8) + w] != pattern(p, w))
        return p;
  return pages;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len) {
  for (size_t i = 0; i < len; i++)
    h = (h ^ ((const unsigned char *)data)[i]) * 0x100000001b3ull;
  return h;
}

// Sum of one hash per /dev entry; 0 entries if /dev cannot be read.
static void describe_dev(uint64_t *hash, size_t *entries) {
  *hash = 0;
  *entries = 0;
  DIR *dir = opendir("/dev");
  if (!dir)
    return;
  for (struct dirent *e; (e = readdir(dir));) {
    struct stat st;
    char path[300], target[256] = "";
    snprintf(path, sizeof path, "/dev/%s", e->d_name);
    if (lstat(path, &st) < 0)
      continue;
    if (S_ISLNK(st.st_mode) && readlink(path, target, sizeof target - 1) < 0)
      continue;
    uint64_t fields[] = {st.st_mode, st.st_uid, st.st_gid, st.st_rdev};
    uint64_t h = fnv1a(0xcbf29ce484222325ull, e->d_name, strlen(e->d_name) + 1);
    h = fnv1a(h, fields, sizeof fields);
    *hash += fnv1a(h, target, strlen(target));
    ++*entries;
  }
  closedir(dir);
}

static int answer(int fd, const char *line) {
  char out[128];
  served++;
  if (strcmp(line, "check") == 0) {
    size_t bad = check_memory();
    if (bad == pages)
      snprintf(out, sizeof out, "check=ok pages=%zu\n", pages);
    else
      snprintf(out, sizeof out, "check=bad page=%zu\n", bad);
  } else if (strcmp(line, "dev") == 0) {
    uint64_t hash;
    size_t entries;
    describe_dev(&hash, &entries);
    snprintf(out, sizeof out, "dev=%016llx entries=%zu\n", (unsigned long long)hash, entries);
  } else if (strcmp(line, "host") == 0) {
    struct utsname uts;
    snprintf(out, sizeof out, "host=%.100s\n", uname(&uts) == 0 ? uts.nodename : "?");
  } else {
    snprintf(out, sizeof out, "served=%llu ticks=%llu\n", (unsigned long long)served,
             (unsigned long long)ticks);
  }
  size_t len = strlen(out);
  return write(fd, out, len) == (ssize_t)len ? 0 : -1;
}

// Reads what is there and answers each complete line; -1 closes the client.
static int serve(int fd, char *buf, size_t *used) {
  ssize_t n = read(fd, buf + *used, 255 - *used);
  if (n <= 0)
    return -1;
  *used += (size_t)n;
  char *start = buf, *nl;
  while ((nl = memchr(start, '\n', (size_t)(buf + *used - start)))) {
    *nl = 0;
    if (nl > start && nl[-1] == '\r')
      nl[-1] = 0;
    if (answer(fd, start) < 0)
      return -1;
    start = nl + 1;
  }
  *used -= (size_t)(start - buf);
  memmove(buf, start, *used);
  return *used == 255 ? -1 : 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PORT MEM_MIB\n", argv[0]);
    return 2;
  }
  pages = (size_t)strtoull(argv[2], 0, 10) * (1 << 20) / page_size;
  if (pages) {
    memory = mmap(0, pages * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) {
      perror("mmap");
      return 1;
    }
    fill_memory();
  }

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 8) < 0) {
    perror("listen");
    return 1;
  }

  struct pollfd fds[1 + max_clients];
  char bufs[max_clients][256];
  size_t used[max_clients];
  int nclients = 0;
  fds[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
  for (;;) {
    ticks++;
    // A short timeout keeps the counter moving while nobody talks to us.
    if (poll(fds, (nfds_t)(1 + nclients), 10) < 0)
      continue;
    for (int i = 0; i < nclients; i++) {
      if (!(fds[1 + i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      if (serve(fds[1 + i].fd, bufs[i], &used[i]) < 0) {
        close(fds[1 + i].fd);
        nclients--;
        fds[1 + i] = fds[1 + nclients];
        memcpy(bufs[i], bufs[nclients], used[nclients]);
        used[i] = used[nclients];
        i--;
      }
    }
    if (fds[0].revents & POLLIN) {
      int cfd = accept(lfd, 0, 0);
      if (cfd >= 0 && nclients == max_clients)
        close(cfd);
      else if (cfd >= 0) {
        fds[1 + nclients] = (struct pollfd){.fd = cfd, .events = POLLIN};
        used[nclients++] = 0;
      }
    }
  }
}
