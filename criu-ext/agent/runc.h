// The agent's use of runc: its own state root, a JSON log for errors, and
// container stdio on /dev/null (CRIU cannot restore stdio that is a host
// file, so containers never get one).
#pragma once
#include <string>
#include <vector>

namespace xisa::agent {

struct RuncContainer {
  std::string id;
  int pid = 0;
  std::string status; // created, running, paused, stopped
  std::string bundle;
};

class Runc {
public:
  Runc(std::string root, std::string log_file);

  // `runc run -d`: returns once the container runs.
  void run_detached(const std::string &id, const std::string &bundle) const;
  std::vector<RuncContainer> list() const;
  void kill(const std::string &id, const std::string &signal) const;
  void remove(const std::string &id) const; // delete --force

  // "runc --root R --log L --log-format json": for other runc subcommands
  // (checkpoint, restore) run by container migration.
  std::vector<std::string> base_args() const;

private:
  std::string last_log_error(long from_offset) const;

  std::string root_;
  std::string log_file_;
};

} // namespace xisa::agent
