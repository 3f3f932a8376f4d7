#include "migrate/priority.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace xisa::migrate {

namespace {

// "/autogroup-N nice K" -> K.
std::optional<int> group_nice(const std::string &path) {
  std::ifstream in(path);
  std::string name, word;
  int nice = 0;
  if (in >> name >> word >> nice && word == "nice")
    return nice;
  return std::nullopt;
}

bool set_group_nice(const std::string &path, int nice) {
  std::ofstream out(path);
  return static_cast<bool>(out << nice << '\n' << std::flush);
}

std::mutex agent_group_mutex;
int migrations_running = 0;
std::optional<int> agent_group_nice_before; // while migrations_running > 0

} // namespace

void prioritize_session(pid_t pid) {
  set_group_nice(fmt::format("/proc/{}/autogroup", pid), kMigrationNice);
}

MigrationPriority::MigrationPriority() {
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kMigrationNice) != 0)
    spdlog::warn("migration runs at normal priority: setpriority({}): {}", kMigrationNice,
                 std::strerror(errno));
  std::lock_guard lock(agent_group_mutex);
  if (migrations_running++ == 0) {
    agent_group_nice_before = group_nice("/proc/self/autogroup");
    if (agent_group_nice_before)
      set_group_nice("/proc/self/autogroup", kMigrationNice);
  }
}

MigrationPriority::~MigrationPriority() {
  std::lock_guard lock(agent_group_mutex);
  if (--migrations_running == 0 && agent_group_nice_before)
    set_group_nice("/proc/self/autogroup", *agent_group_nice_before);
}

} // namespace xisa::migrate
