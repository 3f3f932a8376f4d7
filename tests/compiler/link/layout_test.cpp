// The aligner on synthetic per-ISA link maps: every shared anchor symbol
// gets one address, alignments hold on every ISA, ISA-only code shares
// room with other ISAs' own while ISA-only data gets room of its own, and
// the per-ISA rest fits after the slots.
#include "link/layout.h"
#include "link/linker_script.h"
#include "link/output_sections.h"

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

using namespace xisa;
using namespace xisa::link;

namespace {

MapInputSection input(std::string file, std::string member, std::string section, uint64_t size,
                      uint64_t align, std::vector<std::pair<std::string, uint64_t>> symbols) {
  MapInputSection in;
  in.file = std::move(file);
  in.member = std::move(member);
  in.section = std::move(section);
  in.size = size;
  in.align = align;
  in.symbols = std::move(symbols);
  return in;
}

LinkMap text_map(std::vector<MapInputSection> inputs) {
  LinkMap map;
  MapOutputSection text;
  text.name = ".text";
  text.align = 16;
  for (const MapInputSection &i : inputs)
    text.size += i.size + i.align;
  text.inputs = std::move(inputs);
  map.sections.push_back(std::move(text));
  return map;
}

const SectionPlacement &text_of(const Layout &layout) {
  for (const SectionPlacement &p : layout.sections)
    if (p.name == ".text")
      return p;
  throw std::runtime_error("no .text placement");
}

const Slot *slot_with(const SectionPlacement &p, Isa isa, const std::string &section) {
  for (const Slot &slot : p.slots)
    if (auto it = slot.copies.find(isa); it != slot.copies.end() && it->second.section == section)
      return &slot;
  return nullptr;
}

} // namespace

TEST(Layout, SameSectionGetsOneAddressWithLargestSizeAndAlignment) {
  std::map<Isa, LinkMap> maps;
  maps[Isa::X86_64] = text_map({input("main.o", "", ".text.main", 0x30, 16, {{"main", 0}}),
                                input("main.o", "", ".text.f", 0x10, 16, {{"f", 0}})});
  maps[Isa::AArch64] = text_map({input("main.o", "", ".text.main", 0x48, 4, {{"main", 0}}),
                                 input("main.o", "", ".text.f", 0x8, 64, {{"f", 0}})});
  Layout layout = compute_layout(maps);
  const SectionPlacement &text = text_of(layout);
  EXPECT_GE(text.address, kImageBase + kHeaderRoom + kPageSize) << "text starts a page further on";
  const Slot *main_slot = slot_with(text, Isa::X86_64, ".text.main");
  const Slot *f_slot = slot_with(text, Isa::X86_64, ".text.f");
  ASSERT_TRUE(main_slot && f_slot);
  EXPECT_EQ(main_slot->copies.size(), 2u);
  EXPECT_EQ(main_slot->copies.at(Isa::X86_64).start, main_slot->copies.at(Isa::AArch64).start);
  // f follows the larger main (0x48) and takes the larger alignment (64).
  EXPECT_GE(f_slot->anchor, main_slot->anchor + 0x48);
  EXPECT_EQ(f_slot->anchor % 64, 0u);
  EXPECT_GE(text.end, f_slot->anchor + 0x10);
}

namespace {

// Ranges [start, start + size) of the slots `isa` has, by section name.
std::vector<std::pair<uint64_t, uint64_t>> ranges_on(const SectionPlacement &p, Isa isa,
                                                     const std::map<std::string, uint64_t> &size) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const Slot &slot : p.slots)
    if (auto it = slot.copies.find(isa); it != slot.copies.end())
      out.push_back({it->second.start, it->second.start + size.at(it->second.section)});
  std::sort(out.begin(), out.end());
  return out;
}

void expect_disjoint(std::vector<std::pair<uint64_t, uint64_t>> ranges) {
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    EXPECT_LE(ranges[i - 1].second, ranges[i].first) << "slots " << i - 1 << " and " << i;
}

} // namespace

TEST(Layout, OneIsaCodeSharesRoomWithOtherIsasOwn) {
  // Code is the destination's on a move, so x86-only and ppc-only code may
  // lie at one address; the shared g comes first on both.
  std::map<Isa, LinkMap> maps;
  maps[Isa::X86_64] = text_map({input("a.o", "", ".text.only_x86", 0x20, 16, {{"only_x86", 0}}),
                                input("a.o", "", ".text.g", 0x10, 16, {{"g", 0}})});
  maps[Isa::PPC64LE] = text_map({input("a.o", "", ".text.g", 0x10, 16, {{"g", 0}}),
                                 input("a.o", "", ".text.only_ppc", 0x30, 16, {{"only_ppc", 0}})});
  const SectionPlacement &text = text_of(compute_layout(maps));
  const Slot *x = slot_with(text, Isa::X86_64, ".text.only_x86");
  const Slot *p = slot_with(text, Isa::PPC64LE, ".text.only_ppc");
  const Slot *g = slot_with(text, Isa::X86_64, ".text.g");
  ASSERT_TRUE(x && p && g);
  EXPECT_EQ(x->copies.size(), 1u);
  EXPECT_EQ(p->copies.size(), 1u);
  EXPECT_EQ(g->anchor, text.address) << "sections every ISA has come first";
  EXPECT_EQ(x->anchor, p->anchor) << "one-ISA sections of different ISAs share room";
  std::map<std::string, uint64_t> size = {
      {".text.only_x86", 0x20}, {".text.g", 0x10}, {".text.only_ppc", 0x30}};
  expect_disjoint(ranges_on(text, Isa::X86_64, size));
  expect_disjoint(ranges_on(text, Isa::PPC64LE, size));
  EXPECT_GE(text.end, p->anchor + 0x30) << "the section ends after the larger ISA's own";
  // Each ISA's script places its slots in address order (lld cannot move
  // the location counter back).
  for (Isa isa : {Isa::X86_64, Isa::PPC64LE}) {
    std::vector<std::pair<uint64_t, uint64_t>> in_order;
    for (const Slot &slot : text.slots)
      if (auto it = slot.copies.find(isa); it != slot.copies.end())
        in_order.push_back({it->second.start, 0});
    EXPECT_TRUE(std::is_sorted(in_order.begin(), in_order.end())) << name(isa);
  }
}

TEST(Layout, OneIsaDataGetsRoomOfItsOwn) {
  // Data keeps the dump's bytes on a move: an x86-only variable must not lie
  // where a ppc64le-only one did.
  auto data_map = [](std::vector<MapInputSection> inputs) {
    LinkMap map;
    map.sections.push_back({".data", 0, 0x100, 8, std::move(inputs)});
    return map;
  };
  std::map<Isa, LinkMap> maps;
  maps[Isa::X86_64] = data_map({input("a.o", "", ".data.only_x86", 0x20, 8, {{"only_x86", 0}}),
                                input("a.o", "", ".data.g", 0x10, 8, {{"g", 0}})});
  maps[Isa::PPC64LE] = data_map({input("a.o", "", ".data.g", 0x10, 8, {{"g", 0}}),
                                 input("a.o", "", ".data.only_ppc", 0x20, 8, {{"only_ppc", 0}})});
  Layout layout = compute_layout(maps);
  ASSERT_EQ(layout.sections.size(), 1u);
  const SectionPlacement &data = layout.sections[0];
  std::vector<std::pair<uint64_t, uint64_t>> all;
  for (const Slot &slot : data.slots)
    all.push_back({slot.anchor, slot.anchor + (slot.copies.size() == 2 ? 0x10 : 0x20)});
  ASSERT_EQ(all.size(), 3u);
  expect_disjoint(all);
}

TEST(Layout, MatchesAssemblyTextAndCSectionByTheirSymbol) {
  // musl: memcpy.lo is assembly (.text) on x86_64, C (.text.memcpy) on ppc64le.
  std::map<Isa, LinkMap> maps;
  maps[Isa::X86_64] = text_map({input("libc.a", "memcpy.lo", ".text", 0x40, 1, {{"memcpy", 0}})});
  maps[Isa::PPC64LE] =
      text_map({input("libc.a", "memcpy.lo", ".text", 0, 1, {}),
                input("libc.a", "memcpy.lo", ".text.memcpy", 0x90, 16, {{"memcpy", 0}})});
  const SectionPlacement &text = text_of(compute_layout(maps));
  const Slot *slot = slot_with(text, Isa::X86_64, ".text");
  ASSERT_NE(slot, nullptr);
  ASSERT_EQ(slot->copies.count(Isa::PPC64LE), 1u);
  EXPECT_EQ(slot->copies.at(Isa::PPC64LE).section, ".text.memcpy");
  EXPECT_EQ(slot->copies.at(Isa::X86_64).start, slot->copies.at(Isa::PPC64LE).start);
}

TEST(Layout, AlignsTheAnchorSymbolNotTheSectionStart) {
  // musl's x86_64 restore.s puts a nop in front of __restore_rt.
  std::map<Isa, LinkMap> maps;
  maps[Isa::X86_64] =
      text_map({input("libc.a", "restore.lo", ".text", 0xa, 1, {{"__restore_rt", 1}})});
  maps[Isa::AArch64] = text_map(
      {input("libc.a", "restore.lo", ".text", 0x8, 4, {{"__restore", 0}, {"__restore_rt", 0}})});
  const SectionPlacement &text = text_of(compute_layout(maps));
  ASSERT_EQ(text.slots.size(), 1u);
  const Slot &slot = text.slots[0];
  EXPECT_EQ(slot.copies.at(Isa::X86_64).start + 1, slot.anchor);
  EXPECT_EQ(slot.copies.at(Isa::AArch64).start, slot.anchor);
  EXPECT_EQ(slot.copies.at(Isa::AArch64).start % 4, 0u);
}

TEST(Layout, AmbiguousMembersStayInThePerIsaRest) {
  // Two members named free.lo, both with .text.free: a pattern matches both.
  std::map<Isa, LinkMap> maps;
  maps[Isa::X86_64] = text_map({input("libc.a", "free.lo", ".text.free", 0x10, 16, {{"free", 0}}),
                                input("libc.a", "free.lo", ".text.free", 0x20, 16, {{"x", 0}})});
  maps[Isa::AArch64] = text_map({input("libc.a", "free.lo", ".text.free", 0x10, 16, {{"free", 0}})});
  const SectionPlacement &text = text_of(compute_layout(maps));
  EXPECT_TRUE(text.slots.empty());
  EXPECT_GE(text.end - text.address, 0x10u + 15 + 0x20 + 15) << "room for the unaligned rest";
}

TEST(Layout, TlsSectionsKeepOneSizeAndBssFollowsTdata) {
  auto tls_map = [](uint64_t tdata_size, uint64_t tbss_size) {
    LinkMap map;
    map.sections.push_back({".tdata", 0, tdata_size, 8,
                            {input("a.o", "", ".tdata.x", tdata_size, 8, {{"x", 0}})}});
    map.sections.push_back({".tbss", 0, tbss_size, 16,
                            {input("a.o", "", ".tbss.y", tbss_size, 16, {{"y", 0}})}});
    map.sections.push_back({".data", 0, 8, 8, {input("a.o", "", ".data.z", 8, 8, {{"z", 0}})}});
    return map;
  };
  std::map<Isa, LinkMap> maps = {{Isa::X86_64, tls_map(8, 16)}, {Isa::AArch64, tls_map(8, 32)}};
  Layout layout = compute_layout(maps);
  std::map<std::string, const SectionPlacement *> by_name;
  for (const SectionPlacement &p : layout.sections)
    by_name[p.name] = &p;
  ASSERT_TRUE(by_name.count(".tdata") && by_name.count(".tbss") && by_name.count(".data"));
  EXPECT_GE(by_name[".tbss"]->address, by_name[".tdata"]->end);
  EXPECT_EQ(by_name[".tbss"]->address % 16, 0u);
  EXPECT_EQ(by_name[".tbss"]->end - by_name[".tbss"]->address, 32u) << "the larger .tbss";

  std::map<std::string, std::string> paths = {{"a.o", "/x86/a.o"}};
  std::string script = linker_script(&layout, Isa::X86_64, paths);
  EXPECT_NE(script.find("\"/x86/a.o\"(.tdata.x)"), std::string::npos) << script;
  EXPECT_NE(script.find(fmt::format(". = {:#x};", by_name[".tbss"]->end)), std::string::npos)
      << "aligned sections are padded to one end";
}

TEST(Layout, TbssAfterRodataStartsWhereRodataEnds) {
  // No .tdata: lld puts .tbss right after .rodata, so .rodata must end at
  // .tbss's aligned address (else lld warns and .tbss is misaligned).
  LinkMap map;
  map.sections.push_back({".rodata", 0, 0x13, 1, {input("a.o", "", ".rodata.s", 0x13, 1, {{"s", 0}})}});
  map.sections.push_back({".tbss", 0, 8, 8, {input("a.o", "", ".tbss.t", 8, 8, {{"t", 0}})}});
  Layout layout = compute_layout({{Isa::X86_64, map}, {Isa::PPC64LE, map}});
  ASSERT_EQ(layout.sections.size(), 2u);
  const SectionPlacement &rodata = layout.sections[0], &tbss = layout.sections[1];
  EXPECT_EQ(tbss.address % 8, 0u);
  EXPECT_GT(tbss.address, rodata.address + 0x12);
  EXPECT_EQ(rodata.end, tbss.address);
}

TEST(Layout, EverySegmentEndsAtOneAddress) {
  // .eh_frame (not aligned) closes the read-only segment with an ISA size:
  // a pad byte after the largest makes every ISA's segment, and mapping,
  // end at one address. The text segment ends with the aligned .text.
  auto map = [](uint64_t eh_frame_size, uint64_t fini_size) {
    LinkMap m;
    m.sections.push_back({".eh_frame", 0, eh_frame_size, 8,
                          {input("a.o", "", ".eh_frame", eh_frame_size, 8, {})}});
    m.sections.push_back({".fini", 0, fini_size, 4, {input("crti.o", "", ".fini", fini_size, 4, {})}});
    m.sections.push_back({".text", 0, 0x10, 16, {input("a.o", "", ".text.f", 0x10, 16, {{"f", 0}})}});
    return m;
  };
  Layout layout = compute_layout({{Isa::X86_64, map(0x40, 3)}, {Isa::AArch64, map(0x58, 8)}});
  ASSERT_EQ(layout.sections.size(), 3u);
  const SectionPlacement &eh_frame = layout.sections[0], &fini = layout.sections[1];
  EXPECT_EQ(eh_frame.pad_byte, eh_frame.address + 0x58);
  EXPECT_EQ(fini.pad_byte, 0u) << "the text segment ends with .text";
  EXPECT_EQ(layout.sections[2].name, ".text");
  std::string script = linker_script(&layout, Isa::X86_64, {{"a.o", "/x/a.o"}});
  EXPECT_NE(script.find(fmt::format(".xisa.pad.eh_frame {:#x} : {{ BYTE(0) }}", eh_frame.pad_byte)),
            std::string::npos)
      << script;
}

TEST(LinkerScript, MeasureScriptKeepsMetadataSections) {
  std::string script = linker_script(nullptr, Isa::AArch64, {});
  EXPECT_NE(script.find("__xisa_callsites_start = .;"), std::string::npos);
  EXPECT_NE(script.find(".llvm_stackmaps (INFO) :\n  {\n    KEEP(*(.llvm_stackmaps))"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("KEEP(*(.eh_frame))"), std::string::npos);
  EXPECT_NE(script.find("SORT_BY_INIT_PRIORITY(.init_array.*)"), std::string::npos);
}

// The stackmap records and the pass's other records are in no segment: only
// the call-site table is loaded, with one address and size on every ISA.
TEST(Layout, OnlyTheCallSiteTableOfTheMetadataIsLoaded) {
  auto map = [](uint64_t table) {
    LinkMap m;
    m.sections.push_back({".xisa.callsites", 0, table, 8, {}});
    m.sections.push_back({".llvm_stackmaps", 0, 0x4000, 8, {}});
    m.sections.push_back({".xisa.frames", 0, 0x100, 1, {}});
    return m;
  };
  Layout layout = compute_layout({{Isa::X86_64, map(0x28)}, {Isa::PPC64LE, map(0x38)}});
  ASSERT_EQ(layout.sections.size(), 1u);
  const SectionPlacement &table = layout.sections[0];
  EXPECT_EQ(table.name, ".xisa.callsites");
  EXPECT_EQ(table.end - table.address, 0x38u);
  std::string script = linker_script(&layout, Isa::X86_64, {});
  EXPECT_NE(script.find(fmt::format(".xisa.callsites {:#x} : ALIGN(0x8)\n  {{\n"
                                    "    __xisa_callsites_start = .;\n    . += 0x38;\n"
                                    "    __xisa_callsites_end = .;",
                                    table.address)),
            std::string::npos)
      << script;
  EXPECT_NE(script.find(".xisa.frames (INFO) :"), std::string::npos) << script;
}
