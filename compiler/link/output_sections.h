// The output sections of every xisa executable, in address order, and which
// input sections go into each. The same list on every ISA, so the aligned
// layout only has to agree on addresses inside each section.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace xisa::link {

// Segments are a page apart, for the largest page size of the three ISAs
// (ppc64le and aarch64 kernels may use 64 KiB pages).
inline constexpr uint64_t kPageSize = 0x10000;
// Where the first segment (ELF headers, read-only data) starts.
inline constexpr uint64_t kImageBase = 0x10000000;
// Room for the ELF and program headers in front of the first section: a
// 64-byte ELF header and 56 bytes per program header leave room for 17 (lld
// writes 6-8); the link checks each ISA's first link against it
// (header_room.h).
inline constexpr uint64_t kHeaderRoom = 0x400;

// Unloaded: sections in no segment (the linker script's INFO type), for
// metadata only the host tools read, from the executable file.
enum class Segment { ReadOnly, Text, Data, Unloaded };

struct OutputSpec {
  const char *name;
  Segment segment;
  std::vector<const char *> patterns; // input section name globs
  // Input sections get one address on all ISAs. Off where the order of the
  // contents is the point (.init pieces, constructor tables) or where the
  // linker makes the contents (merged .eh_frame, GOT/TOC): those sections
  // differ per ISA and nothing is looked up in them by symbol.
  bool aligned;
  bool keep;          // KEEP(): the runtime reads them without references
  const char *start_symbol = nullptr; // defined at the section's start
  const char *end_symbol = nullptr;   // and end
  bool by_priority = false; // SORT_BY_INIT_PRIORITY: constructor order
  // Aligned sections whose bytes a move takes from the destination
  // executable (code, constants): input sections that only some ISAs have
  // may share addresses with other ISAs' own (see layout.cpp).
  bool share_room = false;
  // No inputs: the layout reserves the section's room and the link step
  // writes its contents into the linked executable.
  bool written_after_link = false;
};

std::span<const OutputSpec> output_specs();

} // namespace xisa::link
