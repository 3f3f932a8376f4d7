#include "migrate/migration.h"
#include "support/error.h"

#include <cstdlib>

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

std::vector<std::string> criu_env() { return {"CRIU_FAULT=130"}; }

std::string injected_fault() {
  const char *env = std::getenv("XISA_MIGRATE_FAULT");
  return env ? env : "";
}

} // namespace xisa::migrate
