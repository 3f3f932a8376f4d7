#include "process/points.h"

#include "support/error.h"

#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <unistd.h>

namespace xisa::process {

Hop parse_hop(const std::string &text) {
  size_t colon = text.find(':');
  Hop hop;
  const char *end = text.data() + (colon == std::string::npos ? text.size() : colon);
  auto [ptr, ec] = std::from_chars(text.data(), end, hop.point);
  if (colon == std::string::npos || ec != std::errc() || ptr != end || hop.point == 0)
    fail("--hop {}: expected N:ISA, N a count of migration points (1 or more) and ISA one of {}",
         text, isa_names());
  auto isa = parse_isa(text.substr(colon + 1));
  if (!isa)
    fail("--hop {}: unknown ISA '{}' (known: {})", text, text.substr(colon + 1), isa_names());
  hop.to = *isa;
  return hop;
}

PointCounter::PointCounter(std::vector<Hop> hops) : hops_(std::move(hops)) {
  if (hops_.size() > kMaxHops)
    fail("{} hops given; one run takes at most {}", hops_.size(), kMaxHops);
  for (size_t i = 1; i < hops_.size(); i++)
    if (hops_[i].point <= hops_[i - 1].point)
      fail("--hop {}:{} comes after a hop at point {}: give hops in increasing order of points",
           hops_[i].point, name(hops_[i].to), hops_[i - 1].point);
  int fds[2];
  // The read end never blocks: after exit it holds the total or nothing.
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
    fail("pipe: {}", errno_text(errno));
  read_.reset(fds[0]);
  write_.reset(fds[1]);
}

RuntimeEnv PointCounter::restored_env() const {
  return {{{"XISA_POINTS_FD", std::to_string(write_.get())}}, {write_.get()}};
}

RuntimeEnv PointCounter::first_env() const {
  RuntimeEnv env = restored_env();
  std::string schedule;
  for (const Hop &hop : hops_)
    schedule += (schedule.empty() ? "" : ",") + std::to_string(hop.point);
  if (!schedule.empty())
    env.vars.emplace_back("XISA_HOPS", schedule);
  return env;
}

std::optional<uint64_t> PointCounter::total() const {
  char buf[32];
  ssize_t n = ::read(read_.get(), buf, sizeof buf);
  uint64_t total = 0;
  if (n <= 0 || buf[n - 1] != '\n' || std::from_chars(buf, buf + n - 1, total).ec != std::errc())
    return std::nullopt;
  return total;
}

} // namespace xisa::process
