// CPU priority of migrations. While a container is frozen every step (runc,
// CRIU, the image transfer, the restore) is downtime, and on a busy host
// each would otherwise wait its turn behind every runnable task. Linux
// shares CPU first between scheduling groups (one autogroup per session,
// /proc/PID/autogroup) and only then by nice inside a group, so both are
// raised: the agent's migration thread, and the agent's session's group
// while any migration runs; the runc and CRIU it starts are in that session
// (and in the agent's process group, so that killing the agent's group
// kills them too). Containers keep their priority: they run in sessions of
// their own, and CRIU restores their nice from the image.
#pragma once
#include "agent/cgroup_fs.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace xisa::migrate {

// The nice of the scheduling group a /proc/PID/autogroup file shows
// ("/autogroup-N nice K" -> K); none when the file is empty (a task in a cpu
// cgroup other than the root has no autogroup in effect) or missing.
std::optional<int> autogroup_nice(const std::string &path);

// Nice of the agent's migration threads and of the scheduling groups above.
inline constexpr int kMigrationNice = -20;

// For the lifetime of one migration op: the calling thread (and the threads
// and processes it starts) at kMigrationNice, and the agent's session's
// group too while any migration runs; the group gets its old nice back when
// the last one ends. Kernels without autogroups have no group file: only
// the thread is raised there. Without CAP_SYS_NICE the migration runs at
// normal priority, with a warning.
class MigrationPriority {
public:
  MigrationPriority();
  ~MigrationPriority();
  MigrationPriority(const MigrationPriority &) = delete;
  MigrationPriority &operator=(const MigrationPriority &) = delete;
};

// While it lives, a container's cgroup and its ancestors below the root
// (slice, agent parent) have the highest CPU weight (v1 cpu.shares, v2
// cpu.weight); their old weights are put back after. For the restore: runc
// moves CRIU into the container's cgroup before CRIU starts, and a task in
// a cgroup other than the root shares CPU as that cgroup, whatever its
// session's group says, so on a busy host the whole restore ran at one
// group's default share. The container is down meanwhile; its limits
// (quota, cpuset, memory) stay as they are.
class CgroupCpuBoost {
public:
  CgroupCpuBoost(const agent::CgroupFs &fs, const std::string &cgroup_path);
  ~CgroupCpuBoost();
  CgroupCpuBoost(const CgroupCpuBoost &) = delete;
  CgroupCpuBoost &operator=(const CgroupCpuBoost &) = delete;

private:
  const agent::CgroupFs &fs_;
  std::vector<std::pair<std::string, std::string>> saved_; // cgroup path, old weight
};

} // namespace xisa::migrate
