#include "migrate/migration.h"
#include "support/error.h"

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace xisa::migrate {

Mode parse_mode(std::string_view text) {
  if (text == "postcopy")
    return Mode::PostCopy;
  if (text == "stopcopy")
    return Mode::StopCopy;
  if (text == "precopy")
    return Mode::PreCopy;
  fail("unknown migration mode '{}' (use postcopy, stopcopy or precopy)", text);
}

std::string_view mode_name(Mode mode) {
  switch (mode) {
  case Mode::PostCopy:
    return "postcopy";
  case Mode::StopCopy:
    return "stopcopy";
  case Mode::PreCopy:
    return "precopy";
  }
  return "?";
}

std::string criu_path() {
  const char *env = std::getenv("XISA_CRIU");
  return env && *env ? env : "/opt/xisa/criu/bin/criu";
}

std::vector<std::string> criu_env() {
  // runc 1.1 acts on post-dump, setup-namespaces (prestart hooks),
  // post-restore, orphan-pts-master and status-ready; on network-lock and
  // network-unlock only for networks it made itself, none with a netns path.
  return {"CRIU_FAULT=130",
          "CRIU_RPC_NOTIFY_SKIP=pre-dump,network-lock,network-unlock,query-ext-files,pre-restore,"
          "post-setup-namespaces,pre-resume,post-resume"};
}

std::string injected_fault() {
  const char *env = std::getenv("XISA_MIGRATE_FAULT");
  return env ? env : "";
}

void keep_criu_logs(const std::string &dir, const std::string &name, std::string_view side) {
  const char *env = std::getenv("XISA_MIGRATE_LOG_DIR");
  std::error_code ec;
  if (!env || !*env || !fs::is_directory(dir, ec))
    return;
  fs::path out = fs::path(env) / (name + "-" + std::string(side));
  fs::remove_all(out, ec);
  fs::create_directories(out, ec);
  for (const fs::directory_entry &entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".log")
      fs::copy_file(entry.path(), out / entry.path().filename(), ec);
}

} // namespace xisa::migrate
