#include "agent/units.h"
#include "support/error.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <utility>

namespace xisa::agent {

namespace {

struct Suffix {
  std::string_view text;
  uint64_t factor;
};

uint64_t parse_scaled(std::string_view text, std::string_view what,
                      std::initializer_list<Suffix> suffixes, std::string_view example) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data())
    fail("{} '{}' does not start with a number (e.g. {})", what, text, example);
  std::string suffix(end, text.data() + text.size());
  std::transform(suffix.begin(), suffix.end(), suffix.begin(), ::tolower);
  for (const Suffix &s : suffixes) {
    if (suffix != s.text)
      continue;
    if (value > UINT64_MAX / s.factor)
      fail("{} '{}' is too large", what, text);
    return value * s.factor;
  }
  fail("{} '{}' has an unknown unit '{}' (e.g. {})", what, text, suffix, example);
}

} // namespace

uint64_t parse_bytes(std::string_view text) {
  constexpr uint64_t K = 1024;
  return parse_scaled(text, "size",
                      {{"", 1}, {"b", 1}, {"k", K}, {"kib", K}, {"kb", K}, {"m", K * K},
                       {"mib", K * K}, {"mb", K * K}, {"g", K * K * K}, {"gib", K * K * K},
                       {"gb", K * K * K}, {"t", K * K * K * K}, {"tib", K * K * K * K}},
                      "256M");
}

uint64_t parse_bit_rate(std::string_view text) {
  return parse_scaled(text, "bit rate",
                      {{"", 1}, {"bit", 1}, {"kbit", 1000}, {"mbit", 1000000},
                       {"gbit", 1000000000}},
                      "10mbit");
}

} // namespace xisa::agent
