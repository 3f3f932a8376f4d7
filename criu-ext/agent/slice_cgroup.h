// A slice as cgroup files: which file gets which value, on v1 and on v2,
// and creating the slice's cgroup with those limits.
#pragma once
#include "agent/cgroup_fs.h"
#include "agent/config.h"

#include <string>
#include <vector>

namespace xisa::agent {

struct CgroupSetting {
  std::string controller; // v1 hierarchy the file lives in
  std::string file;
  std::string value;
};

inline constexpr unsigned kCpuPeriodUs = 100000;

// "/<parent>/<slice>"
std::string slice_cgroup_path(const AgentConfig &config, const SliceConfig &slice);

// The limit files of a slice (only those the slice sets), in write order.
std::vector<CgroupSetting> slice_settings(bool v2, const SliceConfig &slice);

// Creates (or updates) the slice's cgroup and writes its limits. Idempotent.
void apply_slice(const CgroupFs &cg, const AgentConfig &config, const SliceConfig &slice);

} // namespace xisa::agent
