#include "agent/runc.h"
#include "agent/command.h"
#include "support/error.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace xisa::agent {

Runc::Runc(std::string root, std::string log_file)
    : root_(std::move(root)), log_file_(std::move(log_file)) {}

std::vector<std::string> Runc::base_args() const {
  return {"runc", "--root", root_, "--log", log_file_, "--log-format", "json"};
}

static long file_size(const std::string &path) {
  std::ifstream in(path, std::ios::ate);
  return in ? static_cast<long>(in.tellg()) : 0;
}

// runc's own stderr would be the container's too, so its errors come from
// the JSON log instead.
std::string Runc::last_log_error(long from_offset) const {
  std::ifstream in(log_file_);
  in.seekg(from_offset);
  std::string line, last;
  while (std::getline(in, line)) {
    auto entry = nlohmann::json::parse(line, nullptr, false);
    if (!entry.is_discarded() && entry.value("level", "") == "error")
      last = entry.value("msg", line);
  }
  return last.empty() ? "no error in " + log_file_ : last;
}

void Runc::run_detached(const std::string &id, const std::string &bundle) const {
  long log_offset = file_size(log_file_);
  std::vector<std::string> argv = base_args();
  argv.insert(argv.end(), {"run", "--detach", "--bundle", bundle, id});
  CommandResult result = run_command(argv, /*capture=*/false);
  if (result.exit_code == 0)
    return;
  std::string why = last_log_error(log_offset);
  // runc may leave a half-made container behind; it must not block a retry.
  std::vector<std::string> cleanup = base_args();
  cleanup.insert(cleanup.end(), {"delete", "--force", id});
  run_command(cleanup);
  fail("runc could not start container '{}': {}", id, why);
}

std::vector<RuncContainer> Runc::list() const {
  std::vector<std::string> argv = base_args();
  argv.insert(argv.end(), {"list", "--format", "json"});
  auto parsed = nlohmann::json::parse(run_checked(argv), nullptr, false);
  if (parsed.is_discarded())
    fail("'runc list --format json' printed something that is not JSON");
  std::vector<RuncContainer> out;
  if (parsed.is_null()) // runc prints null when it has no containers
    return out;
  for (const auto &entry : parsed)
    out.push_back({entry.value("id", ""), entry.value("pid", 0), entry.value("status", ""),
                   entry.value("bundle", "")});
  return out;
}

void Runc::kill(const std::string &id, const std::string &signal) const {
  std::vector<std::string> argv = base_args();
  argv.insert(argv.end(), {"kill", id, signal});
  run_checked(argv);
}

void Runc::remove(const std::string &id) const {
  std::vector<std::string> argv = base_args();
  argv.insert(argv.end(), {"delete", "--force", id});
  run_checked(argv);
}

} // namespace xisa::agent
