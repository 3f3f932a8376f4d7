// The common layout: one address for every input section of the program on
// all ISAs, computed from each ISA's first (unaligned) link.
#pragma once
#include "link/link_map.h"
#include "support/isa.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xisa::link {

// One input section of the program, pinned so that one symbol of it (its
// anchor) has one address on every ISA that has it. Member, section name and
// the anchor's offset may differ per ISA (musl's assembly `.text` versus C
// `.text.memcpy`, a `nop` in front of an assembly function, the runtime's
// arch/<isa>.o), so each ISA gets its own section start.
struct SlotCopy {
  std::string member;  // archive member, "" for a plain object
  std::string section; // input section name
  uint64_t start = 0;
};

struct Slot {
  std::string file; // logical file name (StagedLink::logical_name)
  uint64_t anchor = 0;
  std::map<Isa, SlotCopy> copies;
};

// Where one output section sits on every ISA.
struct SectionPlacement {
  std::string name;
  uint64_t address = 0; // start, same on every ISA
  uint64_t align = 1;
  uint64_t end = 0;     // aligned sections are padded up to here on every ISA
  std::vector<Slot> slots; // by address; aligned sections only
  // Set on a section that closes its segment without being aligned: a pad
  // byte at this address, so the segment, and the mapping the kernel makes
  // of it, ends at one address on every ISA (a restore checks mappings).
  uint64_t pad_byte = 0;
};

struct Layout {
  std::vector<SectionPlacement> sections; // in output_specs() order, present ones only
};

// `maps` holds each ISA's first link, with files already renamed to their
// logical names. Input sections of one ISA only get slots of their own.
Layout compute_layout(const std::map<Isa, LinkMap> &maps);

} // namespace xisa::link
