#include "migrate/priority.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <string_view>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace xisa::migrate {

std::optional<int> autogroup_nice(const std::string &path) {
  std::ifstream in(path);
  std::string name, word;
  int nice = 0;
  if (in >> name >> word >> nice && word == "nice")
    return nice;
  return std::nullopt;
}

namespace {

bool set_group_nice(const std::string &path, int nice) {
  std::ofstream out(path);
  return static_cast<bool>(out << nice << '\n' << std::flush);
}

std::mutex agent_group_mutex;
int migrations_running = 0;
std::optional<int> agent_group_nice_before; // while migrations_running > 0

} // namespace

MigrationPriority::MigrationPriority() {
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kMigrationNice) != 0)
    spdlog::warn("migration runs at normal priority: setpriority({}): {}", kMigrationNice,
                 std::strerror(errno));
  std::lock_guard lock(agent_group_mutex);
  if (migrations_running++ == 0) {
    agent_group_nice_before = autogroup_nice("/proc/self/autogroup");
    if (agent_group_nice_before)
      set_group_nice("/proc/self/autogroup", kMigrationNice);
  }
}

MigrationPriority::~MigrationPriority() {
  std::lock_guard lock(agent_group_mutex);
  if (--migrations_running == 0 && agent_group_nice_before)
    set_group_nice("/proc/self/autogroup", *agent_group_nice_before);
}

namespace {

// The weight file and its highest value.
std::pair<std::string_view, std::string_view> weight_file(const agent::CgroupFs &fs) {
  return fs.v2 ? std::pair{std::string_view("cpu.weight"), std::string_view("10000")}
               : std::pair{std::string_view("cpu.shares"), std::string_view("262144")};
}

} // namespace

CgroupCpuBoost::CgroupCpuBoost(const agent::CgroupFs &fs, const std::string &cgroup_path)
    : fs_(fs) {
  auto [file, highest] = weight_file(fs);
  for (std::string path = cgroup_path; path.size() > 1; path.resize(path.rfind('/'))) {
    std::optional<std::string> old;
    try {
      old = fs.read("cpu", path, file);
      if (!old)
        continue;
      fs.write("cpu", path, file, highest);
    } catch (const std::exception &e) {
      spdlog::warn("restore runs at the cgroup's normal CPU weight: {}", e.what());
      continue;
    }
    saved_.emplace_back(path, *old);
  }
}

CgroupCpuBoost::~CgroupCpuBoost() {
  std::string_view file = weight_file(fs_).first;
  for (const auto &[path, old] : saved_) {
    try {
      // runc removes a container it dumped for stop-and-copy: nothing to
      // put back there.
      if (fs_.read("cpu", path, file))
        fs_.write("cpu", path, file, old);
    } catch (const std::exception &e) {
      spdlog::error("cannot put back the CPU weight {} of cgroup {}: {}", old, path, e.what());
    }
  }
}

} // namespace xisa::migrate
