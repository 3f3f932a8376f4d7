// Sizes and rates as people write them in the agent's config.
#pragma once
#include <cstdint>
#include <string_view>

namespace xisa::agent {

// "268435456", "256M", "256MiB", "1G": binary multiples (K=1024).
uint64_t parse_bytes(std::string_view text);
// "10mbit", "1gbit", "500kbit", "8000bit" or a plain number of bits per
// second: decimal multiples, as tc writes them.
uint64_t parse_bit_rate(std::string_view text);

} // namespace xisa::agent
