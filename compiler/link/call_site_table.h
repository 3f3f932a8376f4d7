// The metadata sections the program itself does not need loaded. The
// runtime only asks whether a return address is a call site, which a small
// sorted table answers (`.xisa.callsites`, runtime/include/xisa/call_sites.h);
// the full stackmap records and the pass's other records are read by the
// host tools from the executable file, so they stay out of every segment
// and are compressed.
#pragma once
#include "link/link_map.h"
#include "link/temp_dir.h"
#include "link/toolchain.h"
#include "meta/stackmaps.h"

#include "xisa/call_sites.h"

#include <map>
#include <string>
#include <vector>

namespace xisa::link {

struct CallSiteTable {
  uint64_t base = 0; // the first function's start; the rest are offsets from it
  // Each function with records, from its start to its last record point,
  // sorted by start; a function whose records come in two blobs gets one.
  std::vector<xisa_code_range> ranges;
  std::vector<uint32_t> points; // every record's point, sorted
  uint64_t bytes() const; // 0 when empty: no table at all
};

// Throws xisa::Error if the records span 4 GiB or more.
CallSiteTable call_site_table(const std::vector<meta::StackMapRecord> &records);

// The table's bytes, zero-padded to `size`; throws xisa::Error if they do
// not fit.
std::vector<uint8_t> encode_call_site_table(const CallSiteTable &table, uint64_t size);

// Adds the table to each ISA's first-link map (`measured`: those links'
// outputs) with the size the ISA needing most needs, so the layout gives it
// one address and size on every ISA. A program without records gets none.
void reserve_call_site_table(std::map<Isa, LinkMap> &maps,
                             const std::map<Isa, std::string> &measured);

// Writes each executable's table from its records and compresses its
// unloaded metadata sections.
void finish_metadata_sections(const Toolchain &tc, const std::map<Isa, std::string> &executables,
                              const TempDir &tmp, bool verbose);

} // namespace xisa::link
