#include "transform/program.h"

#include "support/error.h"

#include <algorithm>

namespace xisa::transform {

Program::Program(meta::Metadata meta, ElfFacts elf, Trace trace)
    : meta_(std::move(meta)), elf_(std::move(elf)), trace_(std::move(trace)) {
  std::sort(meta_.call_sites.begin(), meta_.call_sites.end(),
            [](const meta::CallSite &a, const meta::CallSite &b) {
              return a.return_address < b.return_address;
            });
  return_addresses_.reserve(meta_.call_sites.size());
  for (uint32_t i = 0; i < meta_.call_sites.size(); ++i) {
    const meta::CallSite &site = meta_.call_sites[i];
    if (site.function >= meta_.functions.size())
      fail("{}: call site {:#x} names function {} of {}: the metadata is corrupt", meta_.path,
           site.id, site.function, meta_.functions.size());
    if (!by_id_.emplace(site.id, i).second)
      fail("{}: call site id {:#x} appears twice: the metadata is corrupt", meta_.path, site.id);
    return_addresses_.push_back(site.return_address);
  }
  if (trace_) {
    traced_.assign(meta_.functions.size(), false);
    sites_of_ = meta::sites_by_function(meta_);
  }
}

const meta::CallSite *Program::traced(uint32_t index) const {
  meta::CallSite &site = meta_.call_sites[index];
  if (trace_ && !traced_[site.function]) {
    trace_(meta_.functions[site.function], sites_of_[site.function]);
    traced_[site.function] = true;
  }
  return &site;
}

const meta::CallSite *Program::at_return_address(uint64_t address) const {
  auto it = std::lower_bound(return_addresses_.begin(), return_addresses_.end(), address);
  if (it == return_addresses_.end() || *it != address)
    return nullptr;
  return traced(uint32_t(it - return_addresses_.begin()));
}

const meta::CallSite *Program::with_id(uint64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : traced(it->second);
}

const meta::Function &Program::function_of(const meta::CallSite &site) const {
  return meta_.functions[site.function];
}

std::string Program::base_return_name(uint64_t address) const {
  for (const auto &[name, at] : elf_.base_returns)
    if (at == address)
      return name;
  return "";
}

uint64_t Program::base_return(const std::string &name) const {
  auto it = elf_.base_returns.find(name);
  if (it == elf_.base_returns.end())
    fail("{} has no base-frame label {}: it was not linked with the same xisa runtime", path(),
         name);
  return it->second;
}

const meta::Info &Program::info() const {
  if (!meta_.info)
    fail("{} has no .xisa.info section: build it with xisa-cc", path());
  return *meta_.info;
}

} // namespace xisa::transform
