// CPU lists in the kernel's syntax ("0-3,6"), as cpuset files and the
// agent's config use them.
#pragma once
#include <set>
#include <string>
#include <string_view>

namespace xisa::agent {

using CpuSet = std::set<unsigned>;

CpuSet parse_cpu_list(std::string_view text);
std::string format_cpu_list(const CpuSet &cpus);

} // namespace xisa::agent
