#include "cli/commands.h"

namespace xisa::cli {

void add_process_commands(CLI::App &) {}

} // namespace xisa::cli
