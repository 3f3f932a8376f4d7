#include "agent/slice_cgroup.h"
#include "support/error.h"

#include <cmath>

namespace xisa::agent {

std::string slice_cgroup_path(const AgentConfig &config, const SliceConfig &slice) {
  return fmt::format("/{}/{}", config.cgroup_parent, slice.name);
}

static uint64_t quota_us(double cpus) {
  return static_cast<uint64_t>(std::llround(cpus * kCpuPeriodUs));
}

std::vector<CgroupSetting> slice_settings(bool v2, const SliceConfig &s) {
  std::vector<CgroupSetting> out;
  out.push_back({"cpuset", "cpuset.cpus", format_cpu_list(s.cpus)});
  if (!s.mems.empty())
    out.push_back({"cpuset", "cpuset.mems", s.mems});
  if (v2) {
    out.push_back({"memory", "memory.max", std::to_string(s.memory)});
    if (s.cpu_quota > 0)
      out.push_back({"cpu", "cpu.max", fmt::format("{} {}", quota_us(s.cpu_quota), kCpuPeriodUs)});
    if (s.io_weight)
      out.push_back({"io", "io.weight", fmt::format("default {}", s.io_weight)});
    if (s.io_read_bps || s.io_write_bps)
      out.push_back({"io", "io.max",
                     fmt::format("{} rbps={} wbps={}", s.io_device,
                                 s.io_read_bps ? std::to_string(s.io_read_bps) : "max",
                                 s.io_write_bps ? std::to_string(s.io_write_bps) : "max")});
    return out;
  }
  out.push_back({"memory", "memory.limit_in_bytes", std::to_string(s.memory)});
  if (s.cpu_quota > 0) {
    out.push_back({"cpu", "cpu.cfs_period_us", std::to_string(kCpuPeriodUs)});
    out.push_back({"cpu", "cpu.cfs_quota_us", std::to_string(quota_us(s.cpu_quota))});
  }
  if (s.io_weight)
    out.push_back({"blkio", "blkio.weight", std::to_string(s.io_weight)});
  if (s.io_read_bps)
    out.push_back({"blkio", "blkio.throttle.read_bps_device",
                   fmt::format("{} {}", s.io_device, s.io_read_bps)});
  if (s.io_write_bps)
    out.push_back({"blkio", "blkio.throttle.write_bps_device",
                   fmt::format("{} {}", s.io_device, s.io_write_bps)});
  return out;
}

namespace {

// v2: controllers must be enabled in every ancestor's subtree_control for
// the slice (and the containers below it) to get their files.
void enable_v2_controllers(const CgroupFs &cg, const std::string &parent,
                           const std::string &slice_path) {
  const char *controllers = "+cpuset +cpu +io +memory +pids";
  cg.write("", "/", "cgroup.subtree_control", controllers);
  cg.make_dirs("", parent);
  cg.write("", parent, "cgroup.subtree_control", controllers);
  cg.make_dirs("", slice_path);
  cg.write("", slice_path, "cgroup.subtree_control", controllers);
}

// v1 cpuset: a new cgroup starts with empty cpus/mems and refuses tasks, so
// the parent gets the root's, and the slice the root's mems unless it sets
// its own.
void prepare_v1_cpuset(const CgroupFs &cg, const std::string &parent,
                       const std::string &slice_path) {
  auto root_value = [&](const char *file) {
    auto value = cg.read("cpuset", "/", file);
    if (!value || value->empty() || *value == "\n")
      fail("cannot read the root cpuset's {} under {}", file, cg.dir("cpuset", "/"));
    return *value;
  };
  cg.make_dirs("cpuset", parent);
  std::string mems = root_value("cpuset.mems");
  cg.write("cpuset", parent, "cpuset.cpus", root_value("cpuset.cpus"));
  cg.write("cpuset", parent, "cpuset.mems", mems);
  cg.make_dirs("cpuset", slice_path);
  cg.write("cpuset", slice_path, "cpuset.mems", mems);
}

// With BFQ the proportional weight lives in blkio.bfq.weight / io.bfq.weight
// rather than blkio.weight / io.weight (CFQ, io.cost): use whichever exists.
std::string weight_file(const CgroupFs &cg, const CgroupSetting &s, const std::string &path) {
  if (!cg.real || (s.file != "blkio.weight" && s.file != "io.weight") ||
      cg.read(s.controller, path, s.file))
    return s.file;
  std::string bfq = s.file == "io.weight" ? "io.bfq.weight" : "blkio.bfq.weight";
  return cg.read(s.controller, path, bfq) ? bfq : s.file;
}

} // namespace

void apply_slice(const CgroupFs &cg, const AgentConfig &config, const SliceConfig &slice) {
  std::string parent = "/" + config.cgroup_parent;
  std::string path = slice_cgroup_path(config, slice);
  try {
    if (cg.v2) {
      enable_v2_controllers(cg, parent, path);
    } else {
      prepare_v1_cpuset(cg, parent, path);
      for (const char *controller : {"memory", "cpu", "blkio"})
        cg.make_dirs(controller, path);
    }
    for (const CgroupSetting &s : slice_settings(cg.v2, slice))
      cg.write(s.controller, path, weight_file(cg, s, path), s.value);
  } catch (const Error &e) {
    fail("cannot set up slice '{}': {}{}", slice.name, e.what(),
         slice.io_weight ? " (io_weight needs a proportional-weight I/O controller: BFQ or CFQ "
                           "on v1, BFQ or io.cost on v2; io_read_bps/io_write_bps work without)"
                         : "");
  }
}

} // namespace xisa::agent
