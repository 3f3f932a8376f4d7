#include "migrate/page_relay.h"
#include "support/error.h"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <thread>
#include <optional>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace xisa::migrate {

namespace {

constexpr size_t kRequestBytes = 24; // sizeof(struct page_server_iov) in CRIU's page-xfer.c

bool write_all(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// A request CRIU's page server does not know (command 0xffff): it fails the
// lazy transfer and resumes the dumped tasks.
void send_invalid_request(int criu_fd) {
  std::array<char, kRequestBytes> bad;
  bad.fill('\xff');
  write_all(criu_fd, bad.data(), bad.size());
}

// Our CRIU patch 0007's PS_IOV_COMMIT (no answer): from now on CRIU never
// resumes the source tasks, and they die with CRIU.
bool send_commit(int criu_fd) {
  std::array<char, kRequestBytes> commit{};
  uint32_t cmd = 0x1025;
  std::memcpy(commit.data(), &cmd, sizeof cmd);
  return write_all(criu_fd, commit.data(), commit.size());
}

// A destination that vanishes without closing the connection (power loss,
// a cut link) must end the relay in seconds, not when TCP gives up after
// many minutes: a keepalive probe after 1 s of silence, and the connection
// ends once 2 s passed without an answer to a probe or to pages sent. (The
// destination's lazy daemon watches the source the same way: CRIU patch
// 0010.)
void watch_liveness(int fd) {
  int on = 1, idle_s = 1, user_timeout_ms = 2000;
  if (::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0 ||
      ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s) != 0 ||
      ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle_s, sizeof idle_s) != 0 ||
      ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms) !=
          0)
    spdlog::warn("page relay: cannot set keepalive on the destination's connection: {}",
                 errno_text(errno));
}

void set_reset_on_close(int fd, bool on) {
  linger opt = {on ? 1 : 0, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &opt, sizeof opt);
}

} // namespace

PageRelay::PageRelay(const std::string &host, uint64_t rate)
    : listener_(proto::Endpoint{host, 0}), rate_(rate) {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
    fail("cannot create a pipe: {}", errno_text(errno));
}

PageRelay::~PageRelay() {
  if (decision_ == Decision::None)
    abort();
  join();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void PageRelay::start(const proto::Endpoint &criu_server) {
  thread_ = std::thread([this, criu_server] { run(criu_server); });
}

void PageRelay::decide(Decision decision) {
  Decision none = Decision::None;
  if (decision_.compare_exchange_strong(none, decision)) {
    char c = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_[1], &c, 1);
  }
}

void PageRelay::commit() {
  decide(Decision::Commit);
  for (int i = 0; i < 2000 && thread_.joinable() && !commit_sent_; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
void PageRelay::abort() { decide(Decision::Abort); }

void PageRelay::join() {
  if (thread_.joinable())
    thread_.join();
}

void PageRelay::run(proto::Endpoint criu_server) {
  std::optional<proto::Connection> criu_conn;
  try {
    criu_conn.emplace(proto::connect_to(criu_server));
  } catch (const Error &e) {
    spdlog::error("page relay: cannot reach CRIU's page server: {}", e.what());
    commit_sent_ = true;
    return;
  }
  int criu = criu_conn->fd();
  // Until commit, any end of this process must look like a failure to CRIU,
  // so that it resumes the source: with a zero linger, an exit or crash
  // resets the connection instead of closing it cleanly.
  set_reset_on_close(criu, true);
  int dest = -1;
  std::string pending; // destination bytes not yet a whole request
  bool dest_open = true, criu_open = true, ended = false;
  int listen_fd = listener_.fd();
  char buf[1 << 16];
  bool reset_armed = true;
  while (criu_open) {
    Decision decision = decision_;
    if (decision == Decision::Commit && reset_armed) {
      // From now on an abrupt end must end the source too: a clean close.
      set_reset_on_close(criu, false);
      reset_armed = false;
      bool sent = send_commit(criu);
      commit_sent_ = true;
      if (!sent)
        break;
    }
    // Once the destination is gone (or never came), the decision ends it.
    if ((!dest_open || dest < 0) && decision != Decision::None && !ended) {
      ended = true;
      if (decision == Decision::Abort)
        send_invalid_request(criu);
      ::shutdown(criu, SHUT_WR);
      dest_open = false;
      listen_fd = -1;
    } else if (decision == Decision::Abort && dest >= 0 && dest_open) {
      // Abort while the destination still talks: cut it off first.
      ::shutdown(dest, SHUT_RDWR);
    }
    pollfd fds[4] = {{criu, POLLIN, 0},
                     {dest_open ? dest : -1, POLLIN, 0},
                     {dest < 0 ? listen_fd : -1, POLLIN, 0},
                     {wake_[0], POLLIN, 0}};
    if (::poll(fds, 4, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[3].revents) {
      char drain[8];
      while (::read(wake_[0], drain, sizeof drain) > 0) {
      }
    }
    if (fds[2].revents & POLLIN) {
      dest = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      connected_ = dest >= 0;
      if (dest >= 0)
        watch_liveness(dest);
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::recv(dest, buf, sizeof buf, 0);
      if (n <= 0) {
        dest_open = false; // what happens to CRIU waits for the decision
      } else {
        from_destination_ += static_cast<uint64_t>(n);
        pending.append(buf, static_cast<size_t>(n));
        size_t whole = pending.size() / kRequestBytes * kRequestBytes;
        if (!write_all(criu, pending.data(), whole))
          break;
        pending.erase(0, whole);
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::recv(criu, buf, sizeof buf, 0);
      if (n <= 0) {
        criu_open = false;
      } else if (dest_open) {
        to_destination_ += static_cast<uint64_t>(n);
        if (!write_all(dest, buf, static_cast<size_t>(n)))
          dest_open = false;
        if (rate_)
          std::this_thread::sleep_for(std::chrono::microseconds(n * 1'000'000 / rate_));
      }
    }
  }
  if (dest >= 0)
    ::close(dest);
  commit_sent_ = true; // nothing more will be sent: commit() must not wait
}

} // namespace xisa::migrate
