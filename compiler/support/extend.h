// The low bytes of a 64-bit value, widened again as an extending load or
// move leaves them: shared by the known-values dataflow, the jump-table
// reader and the transformer, which must agree on it.
#pragma once
#include <cstdint>

namespace xisa {

// The low `bytes` bytes of v (1 to 7; 8 and more keep v whole), sign- or
// zero-extended.
constexpr uint64_t extend_low(uint64_t v, unsigned bytes, bool sign) {
  if (bytes >= 8)
    return v;
  unsigned unused = 64 - 8 * bytes;
  return sign ? static_cast<uint64_t>(static_cast<int64_t>(v << unused) >> unused)
              : (v << unused) >> unused;
}

} // namespace xisa
