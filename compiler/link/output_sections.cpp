#include "link/output_sections.h"

#include "xisa/call_sites.h"

namespace xisa::link {

std::span<const OutputSpec> output_specs() {
  static const std::vector<OutputSpec> kSpecs = {
      // No inputs: the link reserves its room, then writes it (call_site_table.h).
      {XISA_CALL_SITES_SECTION, Segment::ReadOnly, {}, false, false, "__xisa_callsites_start",
       "__xisa_callsites_end", false, false, true},
      {".eh_frame_hdr", Segment::ReadOnly, {".eh_frame_hdr"}, false, false},
      {".eh_frame", Segment::ReadOnly, {".eh_frame"}, false, true},
      {".gcc_except_table", Segment::ReadOnly, {".gcc_except_table", ".gcc_except_table.*"}, false,
       false},
      {".note", Segment::ReadOnly, {".note", ".note.*"}, false, false},
      // .init and .fini first, so the text segment ends with the aligned
      // .text, at one address on every ISA.
      {".init", Segment::Text, {".init"}, false, true},
      {".fini", Segment::Text, {".fini"}, false, true},
      {".text", Segment::Text, {".text", ".text.*"}, true, false, nullptr, nullptr, false, true},
      // ISAs disagree on whether a constant table of pointers is .rodata or
      // .data.rel.ro (ppc64le), so both share one section. lld makes it
      // writable (.data.rel.ro inputs are), so it opens the data segment:
      // constants are not write-protected, the price of one address.
      {".rodata", Segment::Data, {".rodata", ".rodata.*", ".data.rel.ro", ".data.rel.ro.*"}, true,
       false, nullptr, nullptr, false, true},
      {".tdata", Segment::Data, {".tdata", ".tdata.*"}, true, false},
      {".tbss", Segment::Data, {".tbss", ".tbss.*"}, true, false},
      {".init_array", Segment::Data, {".init_array.*", ".init_array"}, false, true,
       nullptr, nullptr, true},
      {".fini_array", Segment::Data, {".fini_array.*", ".fini_array"}, false, true,
       nullptr, nullptr, true},
      {".got", Segment::Data, {".got", ".toc"}, false, false},
      {".got.plt", Segment::Data, {".got.plt"}, false, false},
      {".data", Segment::Data, {".data", ".data.*"}, true, false},
      {".bss", Segment::Data, {".bss", ".bss.*", "COMMON"}, true, false},
      // Read by the host tools from the file only (call_site_table.h).
      {".llvm_stackmaps", Segment::Unloaded, {".llvm_stackmaps"}, false, true},
      {".xisa.nonmig", Segment::Unloaded, {".xisa.nonmig"}, false, true},
      {".xisa.frames", Segment::Unloaded, {".xisa.frames"}, false, true},
  };
  return kSpecs;
}

} // namespace xisa::link
