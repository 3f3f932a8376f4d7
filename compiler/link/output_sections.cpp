#include "link/output_sections.h"

namespace xisa::link {

std::span<const OutputSpec> output_specs() {
  static const std::vector<OutputSpec> kSpecs = {
      {".llvm_stackmaps", Segment::ReadOnly, {".llvm_stackmaps"}, false, true,
       "__xisa_stackmaps_start", "__xisa_stackmaps_end"},
      {".xisa.nonmig", Segment::ReadOnly, {".xisa.nonmig"}, false, true},
      {".xisa.frames", Segment::ReadOnly, {".xisa.frames"}, false, true},
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
  };
  return kSpecs;
}

} // namespace xisa::link
