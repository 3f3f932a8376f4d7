#include "link/linker_script.h"

#include "link/output_sections.h"
#include "support/error.h"

#include <fmt/format.h>

namespace xisa::link {

namespace {

std::string patterns(const OutputSpec &spec) {
  std::string out;
  for (size_t i = 0; i < spec.patterns.size(); ++i) {
    std::string rule = spec.by_priority && i == 0
                           ? fmt::format("*(SORT_BY_INIT_PRIORITY({}))", spec.patterns[i])
                           : fmt::format("*({})", spec.patterns[i]);
    out += spec.keep ? fmt::format("    KEEP({})\n", rule) : fmt::format("    {}\n", rule);
  }
  return out;
}

// The file pattern naming one input file: lld matches archive members as
// "archive:member".
std::string file_pattern(const Slot &slot, const SlotCopy &copy,
                         const std::map<std::string, std::string> &path_of) {
  auto it = path_of.find(slot.file);
  if (it == path_of.end())
    fail("layout: no input file for '{}' on this ISA", slot.file);
  std::string name = copy.member.empty() ? it->second : it->second + ":" + copy.member;
  if (name.find('"') != std::string::npos)
    fail("layout: cannot name input file '{}' in a linker script (it contains '\"'); rename it",
         name);
  return "\"" + name + "\"";
}

const SectionPlacement *placement_of(const Layout *layout, const char *name) {
  if (!layout)
    return nullptr;
  for (const SectionPlacement &p : layout->sections)
    if (p.name == name)
      return &p;
  return nullptr;
}

} // namespace

std::string linker_script(const Layout *layout, Isa isa,
                          const std::map<std::string, std::string> &path_of) {
  std::string out = "/* written by xisa-cc: the same addresses on every ISA */\nSECTIONS\n{\n";
  out += fmt::format("  . = {:#x} + SIZEOF_HEADERS;\n", kImageBase);
  Segment segment = Segment::ReadOnly;
  for (const OutputSpec &spec : output_specs()) {
    if (spec.segment == Segment::Unloaded) {
      out += fmt::format("  {} (INFO) :\n  {{\n{}  }}\n", spec.name, patterns(spec));
      continue;
    }
    if (spec.segment != segment) {
      out += fmt::format("  . = . + {:#x};\n", kPageSize);
      segment = spec.segment;
    }
    const SectionPlacement *place = placement_of(layout, spec.name);
    if (place)
      out += fmt::format("  {} {:#x} : ALIGN({:#x})\n  {{\n", spec.name, place->address,
                         place->align);
    else
      out += fmt::format("  {} :\n  {{\n", spec.name);
    if (spec.start_symbol)
      out += fmt::format("    {} = .;\n", spec.start_symbol);
    if (place)
      for (const Slot &slot : place->slots)
        if (auto it = slot.copies.find(isa); it != slot.copies.end())
          out += fmt::format("    . = {:#x};\n    {}({})\n", it->second.start,
                             file_pattern(slot, it->second, path_of), it->second.section);
    out += patterns(spec);
    if (place && spec.written_after_link)
      out += fmt::format("    . += {:#x};\n", place->end - place->address);
    if (spec.end_symbol)
      out += fmt::format("    {} = .;\n", spec.end_symbol);
    // Aligned sections end at one address everywhere (so the TLS segment
    // and everything after have one size); the others must not grow, as
    // tables like .init_array are read up to their end.
    if (place && spec.aligned)
      out += fmt::format("    . = {:#x};\n", place->end);
    out += "  }\n";
    if (place && place->pad_byte)
      out += fmt::format("  .xisa.pad{} {:#x} : {{ BYTE(0) }}\n", spec.name, place->pad_byte);
  }
  out += "  /DISCARD/ : { *(.note.GNU-stack) }\n}\n";
  return out;
}

} // namespace xisa::link
