// File-descriptor plumbing for the supervisor: an owning fd, whole reads
// and writes with an idle timeout, and socket helpers.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>

namespace xisa::process {

class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd &operator=(UniqueFd &&other) noexcept;
  UniqueFd(const UniqueFd &) = delete;
  UniqueFd &operator=(const UniqueFd &) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset(int fd = -1);

private:
  int fd_ = -1;
};

// Waits until fd is readable; false on timeout.
bool wait_readable(int fd, std::chrono::milliseconds timeout);
// Reads exactly n bytes; throws xisa::Error naming `what` when the peer
// closes or nothing arrives for `idle`.
void read_exact(int fd, void *buf, size_t n, std::chrono::milliseconds idle, const char *what);
// Writes all of buf; throws xisa::Error naming `what` on failure.
void write_all(int fd, const void *buf, size_t n, const char *what);
// Reads one '\n'-terminated line (without it); empty at end of stream.
std::string read_line(int fd, std::chrono::milliseconds idle);

// A connected pair of unix stream sockets, close-on-exec.
std::pair<UniqueFd, UniqueFd> socket_pair();
// True when the peer of a readable stream socket closed it with nothing
// left to read (a process whose end it was has gone).
bool peer_closed(int socket);

} // namespace xisa::process
