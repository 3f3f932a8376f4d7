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

bool sameSizes(const CallSite &a, const CallSite &b) {
  if (a.live_values.size() != b.live_values.size())
    return false;
  for (size_t i = 0; i < a.live_values.size(); ++i)
    if (!same_value_size(a.live_values[i].size, b.live_values[i].size))
      return false;
  return true;
}

std::string sizes(const CallSite &site) {
  std::string out;
  for (const LiveValue &value : site.live_values)
    out += fmt::format("{}{}", out.empty() ? "" : ",", value.size);
  return "[" + out + "]";
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

} // namespace

// Stackmap sizes are location sizes: small integers may sit in 4- or 8-byte
// locations, and x86-64 reports a double held in %xmm (or its spill slot) as
// 16 bytes where AArch64 and ppc64 report 8. Consumers copy the low
// min(size) bytes. (A 16-byte long double against ppc64's 8-byte one passes
// this test too; the pass should record IR sizes to tell them apart.)
bool same_value_size(uint16_t a, uint16_t b) {
  return a == b || (a <= 4 && b <= 4) || (std::min(a, b) == 8 && std::max(a, b) == 16);
}

std::vector<std::string> compare(const std::vector<Metadata> &all) {
  std::vector<std::string> out;
  if (all.empty())
    return out;
  compareInfo(all, out);

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
      if (!sameSizes(*site, *reference))
        out.push_back(fmt::format("call-site id {:#018x}: live values {} in {} but {} in {}", id,
                                  sizes(*reference), all[referenceIndex].path, sizes(*site),
                                  all[i].path));
    }
  }
  return out;
}

} // namespace xisa::meta
