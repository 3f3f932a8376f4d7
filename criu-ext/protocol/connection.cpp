// Framing on a connected socket: JSON lines, optionally followed by raw bytes.
#include "protocol/protocol.h"
#include "support/error.h"

#include <cerrno>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace xisa::proto {

Connection::Connection(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}

Connection::Connection(Connection &&other) noexcept
    : fd_(std::exchange(other.fd_, -1)), peer_(std::move(other.peer_)),
      buffer_(std::move(other.buffer_)) {}

Connection &Connection::operator=(Connection &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    peer_ = std::move(other.peer_);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

Connection::~Connection() {
  if (fd_ >= 0)
    ::close(fd_);
}

void Connection::set_read_timeout(unsigned seconds) {
  timeval tv{static_cast<time_t>(seconds), 0};
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0)
    fail("cannot set read timeout on connection to {}: {}", peer_, errno_text(errno));
}

size_t Connection::fill() {
  char chunk[64 * 1024];
  for (;;) {
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n >= 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return static_cast<size_t>(n);
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      fail("connection to {} timed out waiting for data", peer_);
    fail("cannot read from {}: {}", peer_, errno_text(errno));
  }
}

json Connection::read_message() {
  size_t newline;
  size_t scanned = 0;
  while ((newline = buffer_.find('\n', scanned)) == std::string::npos) {
    scanned = buffer_.size();
    if (scanned > kMaxLineBytes)
      fail("message from {} is longer than {} bytes without a newline", peer_, kMaxLineBytes);
    if (fill() == 0)
      fail("connection to {} closed {}", peer_,
           buffer_.empty() ? "before a message arrived" : "in the middle of a message");
  }
  std::string line = buffer_.substr(0, newline);
  buffer_.erase(0, newline + 1);
  json msg = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (msg.is_discarded() || !msg.is_object())
    fail("message from {} is not a JSON object line", peer_);
  return msg;
}

std::string Connection::read_bytes(uint64_t count) {
  while (buffer_.size() < count)
    if (fill() == 0)
      fail("connection to {} closed after {} of {} announced bytes", peer_, buffer_.size(), count);
  std::string out = buffer_.substr(0, count);
  buffer_.erase(0, count);
  return out;
}

static void write_fd_all(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      fail("cannot write received bytes: {}", errno_text(errno));
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void Connection::receive_to_fd(int out_fd, uint64_t count) {
  while (count > 0) {
    if (buffer_.empty() && fill() == 0)
      fail("connection to {} closed with {} announced bytes still missing", peer_, count);
    size_t take = static_cast<size_t>(std::min<uint64_t>(count, buffer_.size()));
    write_fd_all(out_fd, buffer_.data(), take);
    buffer_.erase(0, take);
    count -= take;
  }
}

void Connection::write_all(const void *data, size_t size) {
  auto *p = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::send(fd_, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail("cannot write to {}: {}", peer_, errno_text(errno));
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void Connection::write_message(json msg, std::string_view bytes) {
  if (!bytes.empty())
    msg["bytes"] = bytes.size();
  std::string line = msg.dump() + "\n";
  line.append(bytes);
  write_all(line.data(), line.size());
}

void Connection::write_message_from_fd(json msg, int in_fd, uint64_t count) {
  msg["bytes"] = count;
  std::string line = msg.dump() + "\n";
  write_all(line.data(), line.size());
  char chunk[64 * 1024];
  while (count > 0) {
    ssize_t n = ::read(in_fd, chunk, static_cast<size_t>(std::min<uint64_t>(count, sizeof chunk)));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail("cannot read bytes to send to {}: {}", peer_, errno_text(errno));
    if (n == 0)
      fail("input ended with {} bytes still to send to {}", count, peer_);
    write_all(chunk, static_cast<size_t>(n));
    count -= static_cast<uint64_t>(n);
  }
}

} // namespace xisa::proto
