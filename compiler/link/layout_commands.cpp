#include "cli/commands.h"

namespace xisa::cli {

void add_layout_commands(CLI::App &) {}

} // namespace xisa::cli
