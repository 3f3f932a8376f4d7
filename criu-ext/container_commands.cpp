#include "cli/commands.h"

namespace xisa::cli {

void add_container_commands(CLI::App &) {}

} // namespace xisa::cli
