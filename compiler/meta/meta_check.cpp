#include "meta/meta_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace xisa::meta {

namespace {

std::string hex(const std::array<uint8_t, 16> &bytes) {
  std::string out;
  for (uint8_t b : bytes)
    out += fmt::format("{:02x}", b);
  return out;
}

bool sameTypes(const CallSite &a, const CallSite &b) {
  if (a.live_values.size() != b.live_values.size())
    return false;
  for (size_t i = 0; i < a.live_values.size(); ++i)
    if (a.live_values[i].type != b.live_values[i].type)
      return false;
  return true;
}

void compareInfo(const std::vector<Metadata> &all, std::vector<std::string> &out) {
  const Metadata &first = all.front();
  for (const Metadata &meta : all) {
    if (!meta.info) {
      out.push_back(fmt::format("{}: no .xisa.info section (not linked by xisa-cc)", meta.path));
      continue;
    }
    if (meta.info->isa != static_cast<uint32_t>(meta.isa))
      out.push_back(fmt::format("{}: .xisa.info says ISA {} but the ELF machine is {}", meta.path,
                                meta.info->isa, name(meta.isa)));
    if (first.info && meta.info->build_id != first.info->build_id)
      out.push_back(fmt::format("{}: build id {} differs from {} in {}", meta.path,
                                hex(meta.info->build_id), hex(first.info->build_id), first.path));
  }
}

// Function name -> its shadow frames in link order (static functions of
// several objects share a name), for the functions with call sites: only
// their frames can be parked and rebuilt on another ISA.
std::map<std::string, std::vector<std::string>> framesWithCallSites(const Metadata &meta) {
  std::set<std::string> parked;
  for (const CallSite &site : meta.call_sites)
    parked.insert(meta.functions[site.function].name);
  std::map<std::string, std::vector<std::string>> frames;
  for (const FrameLayout &frame : meta.frames)
    if (parked.count(frame.function))
      frames[frame.function].push_back(frame.layout);
  return frames;
}

std::string joined(const std::vector<std::string> &layouts) {
  std::string out;
  for (const std::string &layout : layouts)
    out += (out.empty() ? "(" : "), (") + layout;
  return layouts.empty() ? "none" : out + ")";
}

// The transformer keeps a shadow frame's bytes where they are, so a local
// at another offset on the destination would read its neighbour's bytes.
void compareFrames(const std::vector<Metadata> &all, std::vector<std::string> &out) {
  std::vector<std::map<std::string, std::vector<std::string>>> frames;
  std::set<std::string> functions;
  for (const Metadata &meta : all) {
    frames.push_back(framesWithCallSites(meta));
    for (const auto &[function, layouts] : frames.back())
      functions.insert(function);
  }
  for (const std::string &function : functions) {
    auto layoutsIn = [&](size_t i) {
      auto it = frames[i].find(function);
      return it == frames[i].end() ? std::vector<std::string>{} : it->second;
    };
    for (size_t i = 1; i < all.size(); ++i)
      if (layoutsIn(i) != layoutsIn(0))
        out.push_back(fmt::format(
            "function {}: shadow frame \"size align offset+bytes...\" {} in {} but {} in {}; "
            "its locals would move in a migration: give every ISA the same alloca "
            "alignment (xisa-cc's middle end does)",
            function, joined(layoutsIn(0)), all[0].path, joined(layoutsIn(i)), all[i].path));
  }
}

} // namespace

std::string type_list(const std::vector<LiveValue> &values) {
  std::string out;
  for (const LiveValue &value : values)
    out += (out.empty() ? "" : ",") + value_type_name(value.type);
  return "[" + out + "]";
}

std::vector<std::string> compare(const std::vector<Metadata> &all) {
  std::vector<std::string> out;
  if (all.empty())
    return out;
  compareInfo(all, out);
  compareFrames(all, out);

  std::vector<std::map<uint64_t, const CallSite *>> byId(all.size());
  std::set<uint64_t> ids;
  for (size_t i = 0; i < all.size(); ++i)
    for (const CallSite &site : all[i].call_sites) {
      if (!byId[i].emplace(site.id, &site).second)
        out.push_back(fmt::format("{}: call-site id {:#018x} appears more than once (code "
                                  "duplicated after the pass ran)",
                                  all[i].path, site.id));
      ids.insert(site.id);
    }

  for (uint64_t id : ids) {
    const CallSite *reference = nullptr;
    size_t referenceIndex = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      auto it = byId[i].find(id);
      if (it == byId[i].end()) {
        out.push_back(fmt::format("{}: call-site id {:#018x} is missing", all[i].path, id));
        continue;
      }
      const CallSite *site = it->second;
      if (!reference) {
        reference = site;
        referenceIndex = i;
        continue;
      }
      if (!sameTypes(*site, *reference))
        out.push_back(fmt::format("call-site id {:#018x}: live values {} in {} but {} in {}", id,
                                  type_list(reference->live_values), all[referenceIndex].path,
                                  type_list(site->live_values), all[i].path));
    }
  }
  return out;
}

} // namespace xisa::meta
