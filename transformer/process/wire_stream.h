// The runtime's wire stream (runtime/include/xisa/wire.h) as plain data for
// the host tools: read from a parked process, checked, written to a
// restoring one.
#pragma once
#include "support/isa.h"
#include "xisa/wire.h"

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace xisa::process {

struct WireRegion {
  xisa_region table{};
  std::vector<uint8_t> data; // page bitmap, then the present pages

  uint64_t size() const { return table.end - table.start; }
  bool has_contents() const { return table.flags & XISA_REGION_CONTENTS; }
  std::string name() const; // path or "anonymous", with the address range
};

struct WireStream {
  xisa_wire_header header{};
  std::vector<xisa_thread> threads;
  std::vector<xisa_sigaction> sigactions;
  std::vector<WireRegion> regions;

  Isa isa() const;
  uint64_t byte_size() const;
  // Sum of the sizes of pages sent (not zero) over all regions.
  uint64_t present_bytes() const;
};

// Checks every field a restore relies on and parses; throws xisa::Error
// naming the first problem.
WireStream parse_wire(std::span<const uint8_t> bytes);
std::vector<uint8_t> serialize_wire(const WireStream &stream);

// Reads one whole stream from fd, failing when nothing arrives for `idle`.
std::vector<uint8_t> read_wire_bytes(int fd, std::chrono::milliseconds idle);

uint32_t wire_isa(Isa isa);
Isa isa_from_wire(uint32_t wire);

// Bit i of a region's bitmap: page i is present.
inline bool page_present(std::span<const uint8_t> bitmap, uint64_t page) {
  return bitmap[page / 8] >> (page % 8) & 1;
}

} // namespace xisa::process
