// TCP endpoints: parsing "host:port", connecting and listening.
#include "protocol/protocol.h"
#include "support/error.h"

#include <cerrno>
#include <charconv>
#include <functional>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace xisa::proto {

std::string Endpoint::text() const {
  if (host.find(':') != std::string::npos)
    return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Endpoint parse_endpoint(std::string_view text) {
  Endpoint ep;
  std::string_view port_text;
  if (text.starts_with('[')) {
    size_t close = text.find("]:");
    if (close == std::string_view::npos)
      fail("address '{}' is not [IPV6]:PORT", text);
    ep.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon)
      fail("address '{}' is not HOST:PORT (e.g. 127.0.0.1:7070)", text);
    ep.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ep.host.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535)
    fail("address '{}' is not HOST:PORT with a port 0-65535", text);
  ep.port = static_cast<uint16_t>(port);
  return ep;
}

namespace {

struct AddrList {
  addrinfo *head = nullptr;
  ~AddrList() {
    if (head)
      freeaddrinfo(head);
  }
};

// Resolves ep and tries each of its addresses with a new socket until
// use(fd, address) succeeds; returns that socket. On failure, returns -1
// with errno from the last attempt.
int first_usable_socket(const Endpoint &ep, bool passive,
                        const std::function<bool(int, const addrinfo &)> &use) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  std::string port = std::to_string(ep.port);
  AddrList addrs;
  if (int rc = getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &addrs.head); rc != 0)
    fail("cannot resolve '{}': {}", ep.host, gai_strerror(rc));
  int last_errno = 0;
  for (addrinfo *ai = addrs.head; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd >= 0 && use(fd, *ai))
      return fd;
    last_errno = errno;
    if (fd >= 0)
      ::close(fd);
  }
  errno = last_errno;
  return -1;
}

} // namespace

Connection connect_to(const Endpoint &ep) {
  int fd = first_usable_socket(ep, false, [](int fd, const addrinfo &ai) {
    return ::connect(fd, ai.ai_addr, ai.ai_addrlen) == 0;
  });
  if (fd < 0)
    fail("cannot connect to agent at {}: {} (is `xisa agent` running there?)", ep.text(),
         errno_text(errno));
  return Connection(fd, ep.text());
}

Listener::Listener(const Endpoint &ep) {
  fd_ = first_usable_socket(ep, true, [](int fd, const addrinfo &ai) {
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    return ::bind(fd, ai.ai_addr, ai.ai_addrlen) == 0 && ::listen(fd, 64) == 0;
  });
  if (fd_ < 0)
    fail("cannot listen on {}: {}", ep.text(), errno_text(errno));
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd_, reinterpret_cast<sockaddr *>(&bound), &len);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in *>(&bound)->sin_port);
}

Listener::~Listener() {
  if (fd_ >= 0)
    ::close(fd_);
}

Connection Listener::accept() {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = ::accept4(fd_, reinterpret_cast<sockaddr *>(&peer), &len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      fail("accept failed: {}", errno_text(errno));
    }
    char host[NI_MAXHOST] = "?", serv[NI_MAXSERV] = "?";
    getnameinfo(reinterpret_cast<sockaddr *>(&peer), len, host, sizeof host, serv, sizeof serv,
                NI_NUMERICHOST | NI_NUMERICSERV);
    return Connection(fd, fmt::format("{}:{}", host, serv));
  }
}

} // namespace xisa::proto
