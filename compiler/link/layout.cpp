#include "link/layout.h"

#include "link/output_sections.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

namespace xisa::link {

namespace {

uint64_t align_up(uint64_t value, uint64_t align) {
  return align <= 1 ? value : (value + align - 1) / align * align;
}

// One input section of the program as each ISA has it.
struct Candidate {
  std::string file;
  std::map<Isa, const MapInputSection *> copies;
};

// Gathers the input sections of output section `name`, matched across ISAs
// by file, member and section name, or failing that (musl's assembly `.text`
// versus C `.text.memcpy`, the runtime's arch/<isa>.o) by file and a symbol
// they both define. Sections a
// linker-script pattern cannot name alone (two archive members of one name
// with the same section) are left out: they stay in each ISA's unaligned rest.
std::vector<Candidate> candidates(const std::map<Isa, LinkMap> &maps, const std::string &name) {
  using Key = std::tuple<std::string, std::string, std::string>; // file, member, section
  std::map<Key, size_t> index;
  std::set<Key> ambiguous;
  std::vector<Candidate> out;
  std::vector<Key> keys;
  for (const auto &[isa, map] : maps) {
    const MapOutputSection *section = map.find(name);
    if (!section)
      continue;
    for (const MapInputSection &input : section->inputs) {
      // Empty sections without symbols (every musl object's .text, .data,
      // .bss) hold nothing to align.
      if (input.synthetic || (input.size == 0 && input.symbols.empty()))
        continue;
      Key key{input.file, input.member, input.section};
      auto [it, fresh] = index.try_emplace(key, out.size());
      if (fresh) {
        out.push_back({input.file, {}});
        keys.push_back(key);
      }
      if (!out[it->second].copies.emplace(isa, &input).second)
        ambiguous.insert(key);
    }
  }
  for (size_t i = 0; i < out.size(); ++i)
    if (ambiguous.count(keys[i]))
      out[i].copies.clear();

  // Merge same-file candidates of disjoint ISAs that share a symbol.
  auto shares_symbol = [](const Candidate &a, const Candidate &b) {
    for (const auto &[ia, sa] : a.copies)
      for (const auto &[ib, sb] : b.copies)
        for (const auto &[na, oa] : sa->symbols)
          for (const auto &[nb, ob] : sb->symbols)
            if (na == nb)
              return true;
    return false;
  };
  auto disjoint = [](const Candidate &a, const Candidate &b) {
    for (const auto &[isa, copy] : b.copies)
      if (a.copies.count(isa))
        return false;
    return true;
  };
  for (size_t i = 0; i < out.size(); ++i)
    for (size_t j = i + 1; j < out.size() && out[i].copies.size() < maps.size(); ++j)
      if (!out[j].copies.empty() && out[i].file == out[j].file && disjoint(out[i], out[j]) &&
          shares_symbol(out[i], out[j])) {
        out[i].copies.merge(out[j].copies);
        out[j].copies.clear();
      }
  std::erase_if(out, [](const Candidate &c) { return c.copies.empty(); });
  return out;
}

// The symbol to put at one address: the lowest-placed symbol every copy
// defines (ties by name); none means the section starts align instead.
std::map<Isa, uint64_t> anchor_offsets(const Candidate &candidate) {
  std::map<std::string, std::pair<uint64_t, int>> common; // name -> offset on first, count
  for (const auto &[isa, copy] : candidate.copies) {
    std::set<std::string> here;
    for (const auto &[sym, offset] : copy->symbols)
      if (here.insert(sym).second) {
        auto [it, fresh] = common.try_emplace(sym, offset, 0);
        ++it->second.second;
      }
  }
  const std::string *best = nullptr;
  uint64_t best_offset = 0;
  for (const auto &[sym, seen] : common)
    if (seen.second == static_cast<int>(candidate.copies.size()) &&
        (!best || seen.first < best_offset)) {
      best = &sym;
      best_offset = seen.first;
    }
  std::map<Isa, uint64_t> offsets;
  for (const auto &[isa, copy] : candidate.copies) {
    offsets[isa] = 0;
    if (best)
      for (const auto &[sym, offset] : copy->symbols)
        if (sym == *best) {
          offsets[isa] = offset;
          break;
        }
  }
  return offsets;
}

// The lowest anchor address >= `from` at which every ISA's section start
// (anchor - offset) is aligned; nullopt if the alignments cannot all hold.
std::optional<uint64_t> anchor_address(uint64_t from, const Candidate &candidate,
                                       const std::map<Isa, uint64_t> &offsets) {
  uint64_t limit = 1;
  for (const auto &[isa, copy] : candidate.copies)
    limit = std::max(limit, copy->align);
  for (uint64_t anchor = from; anchor < from + limit; ++anchor) {
    bool ok = true;
    for (const auto &[isa, copy] : candidate.copies)
      ok = ok && (anchor - offsets.at(isa)) % std::max<uint64_t>(copy->align, 1) == 0;
    if (ok)
      return anchor;
  }
  return std::nullopt;
}

// Sections every ISA has come first, then those of two ISAs, then one, so
// that the sections of fewer ISAs can share room: a section's bytes are
// taken from the destination executable on a move (code, constants), so
// space that holds aarch64-only code may hold ppc64le-only code too: no
// pointer into it can exist on another ISA. Where the dump's bytes are kept
// (`share_room` false: data, bss, TLS), every section gets room of its own.
std::vector<Candidate> in_placement_order(std::vector<Candidate> all) {
  std::stable_sort(all.begin(), all.end(), [](const Candidate &a, const Candidate &b) {
    return a.copies.size() > b.copies.size();
  });
  return all;
}

// Lays out the slots of one aligned output section from `start`, then
// leaves the worst-case room the unslotted rest needs on any ISA.
SectionPlacement place_aligned(const OutputSpec &spec, uint64_t start, uint64_t align,
                               const std::map<Isa, LinkMap> &maps) {
  SectionPlacement placement{spec.name, start, align, start, {}};
  std::set<const MapInputSection *> placed;
  std::map<Isa, uint64_t> cursor; // where each ISA's next section may start
  for (const auto &[isa, map] : maps)
    cursor[isa] = start;
  for (const Candidate &candidate :
       in_placement_order(candidates(maps, spec.name))) {
    std::map<Isa, uint64_t> offsets = anchor_offsets(candidate);
    uint64_t from = 0;
    for (const auto &[isa, offset] : offsets)
      from = std::max(from, cursor[isa] + offset);
    std::optional<uint64_t> anchor = anchor_address(from, candidate, offsets);
    if (!anchor)
      continue; // left to the per-ISA rest
    Slot slot{candidate.file, *anchor, {}};
    uint64_t end = 0;
    for (const auto &[isa, copy] : candidate.copies) {
      uint64_t section_start = *anchor - offsets[isa];
      slot.copies[isa] = {copy->member, copy->section, section_start};
      cursor[isa] = section_start + copy->size;
      end = std::max(end, cursor[isa]);
      placed.insert(copy);
    }
    for (auto &[isa, at] : cursor)
      if (!spec.share_room || candidate.copies.count(isa))
        at = std::max(at, end);
    placement.slots.push_back(std::move(slot));
  }
  // The rest (linker-made and unslotted sections) follows on each ISA.
  for (const auto &[isa, map] : maps) {
    uint64_t room = 0;
    if (const MapOutputSection *section = map.find(spec.name))
      for (const MapInputSection &input : section->inputs)
        if (!placed.count(&input))
          room += input.size + input.align - 1;
    placement.end = std::max(placement.end, cursor[isa] + room);
  }
  return placement;
}

} // namespace

Layout compute_layout(const std::map<Isa, LinkMap> &maps) {
  Layout layout;
  uint64_t cursor = kImageBase + kHeaderRoom;
  Segment segment = Segment::ReadOnly;
  const OutputSpec *previous = nullptr; // of the last present section
  for (const OutputSpec &spec : output_specs()) {
    if (spec.segment == Segment::Unloaded)
      continue; // no address
    uint64_t align = 1;
    uint64_t size = 0;
    bool present = false;
    for (const auto &[isa, map] : maps)
      if (const MapOutputSection *section = map.find(spec.name)) {
        present = true;
        align = std::max(align, section->align);
        size = std::max(size, section->size);
      }
    // A new segment starts one page further on, at the same offset in its
    // page: on another page than the last one, and the file needs no padding
    // (file offset and address stay congruent modulo the page size).
    if (spec.segment != segment) {
      if (previous && previous->segment == segment && !previous->aligned) {
        layout.sections.back().pad_byte = cursor;
        cursor += 1;
      }
      cursor += kPageSize;
      segment = spec.segment;
    }
    if (!present)
      continue;
    uint64_t start = align_up(cursor, align);
    // lld starts .tbss right at the end of the section before it (.tdata,
    // or .rodata in a program without initialised TLS), whatever address
    // the script gives: pad that section so that is where .tbss belongs.
    if (std::string_view(spec.name) == ".tbss" && previous && previous->aligned &&
        previous->segment == spec.segment) {
      layout.sections.back().end = start;
      cursor = start;
    }
    SectionPlacement placement =
        spec.aligned ? place_aligned(spec, start, align, maps)
                     : SectionPlacement{spec.name, start, align, start + size, {}};
    // .tbss takes no room in the address space: what follows may overlap
    // it, as in every TLS layout.
    if (std::string_view(spec.name) != ".tbss")
      cursor = placement.end;
    layout.sections.push_back(std::move(placement));
    previous = &spec;
  }
  return layout;
}

} // namespace xisa::link
