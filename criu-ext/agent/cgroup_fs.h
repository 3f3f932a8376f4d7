// Where the cgroup controllers are and how to read and write their files,
// for cgroup v1 (one mount per controller) and v2 (one unified tree).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace xisa::agent {

struct CgroupFs {
  // Like runc: v2 only when /sys/fs/cgroup itself is cgroup2. A hybrid
  // host (v1 controllers plus cgroup2 at .../unified) is driven as v1,
  // since that is where runc puts the container.
  bool v2 = false;
  std::string v2_root;                          // v2: the unified mount
  std::map<std::string, std::string> v1_mounts; // v1: controller -> mount point
  // False for a plain directory standing in for cgroupfs in tests: files
  // are then created on write instead of having to exist.
  bool real = true;

  static CgroupFs detect(const std::string &mountinfo = "/proc/self/mountinfo");

  // Directory of cgroup `path` ("/xisa/web") for `controller` ("memory";
  // ignored on v2). Errors if a v1 controller is not mounted.
  std::string dir(std::string_view controller, std::string_view path) const;

  void make_dirs(std::string_view controller, std::string_view path) const;
  void write(std::string_view controller, std::string_view path, std::string_view file,
             std::string_view value) const;
  std::optional<std::string> read(std::string_view controller, std::string_view path,
                                  std::string_view file) const;
};

} // namespace xisa::agent
