#include "agent/cpu_list.h"
#include "support/error.h"

#include <charconv>

namespace xisa::agent {

static unsigned parse_cpu(std::string_view whole, std::string_view number) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || value > 4095)
    fail("CPU list '{}' is not like '0-3,6' (bad CPU number '{}')", whole, number);
  return value;
}

CpuSet parse_cpu_list(std::string_view text) {
  CpuSet cpus;
  std::string_view rest = text;
  while (!rest.empty() && rest.back() == '\n')
    rest.remove_suffix(1);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    size_t dash = item.find('-');
    unsigned first = parse_cpu(text, item.substr(0, dash));
    unsigned last = dash == std::string_view::npos ? first : parse_cpu(text, item.substr(dash + 1));
    if (last < first)
      fail("CPU list '{}' has a backwards range '{}'", text, item);
    for (unsigned cpu = first; cpu <= last; ++cpu)
      cpus.insert(cpu);
  }
  return cpus;
}

std::string format_cpu_list(const CpuSet &cpus) {
  std::string out;
  for (auto it = cpus.begin(); it != cpus.end();) {
    unsigned first = *it, last = *it;
    while (++it != cpus.end() && *it == last + 1)
      last = *it;
    if (!out.empty())
      out += ',';
    out += first == last ? fmt::format("{}", first) : fmt::format("{}-{}", first, last);
  }
  return out;
}

} // namespace xisa::agent
