#include "process/fd_io.h"

#include "support/error.h"

#include <cerrno>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace xisa::process {

UniqueFd &UniqueFd::operator=(UniqueFd &&other) noexcept {
  reset(std::exchange(other.fd_, -1));
  return *this;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = fd;
}

bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd pfd{fd, POLLIN, 0};
  for (;;) {
    int n = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail("poll: {}", errno_text(errno));
    return n > 0;
  }
}

void read_exact(int fd, void *buf, size_t n, std::chrono::milliseconds idle, const char *what) {
  auto *p = static_cast<char *>(buf);
  size_t got = 0;
  while (got < n) {
    if (!wait_readable(fd, idle))
      fail("timed out after {} ms waiting for {}", idle.count(), what);
    ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      fail("reading {}: {}", what, errno_text(errno));
    if (r == 0)
      fail("{} ended early ({} of {} bytes): the process went away", what, got, n);
    got += static_cast<size_t>(r);
  }
}

void write_all(int fd, const void *buf, size_t n, const char *what) {
  const auto *p = static_cast<const char *>(buf);
  while (n) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      fail("writing {}: {}", what, errno_text(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
}

std::string read_line(int fd, std::chrono::milliseconds idle) {
  std::string line;
  char c;
  for (;;) {
    if (!wait_readable(fd, idle))
      fail("timed out after {} ms waiting for a reply line", idle.count());
    ssize_t r = ::read(fd, &c, 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      fail("reading a reply line: {}", errno_text(errno));
    if (r == 0 || c == '\n')
      return line;
    line += c;
  }
}

std::pair<UniqueFd, UniqueFd> socket_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    fail("socketpair: {}", errno_text(errno));
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

bool peer_closed(int socket) {
  char byte;
  return ::recv(socket, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

} // namespace xisa::process
