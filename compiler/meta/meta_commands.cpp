#include "cli/commands.h"

namespace xisa::cli {

void add_meta_commands(CLI::App &) {}

} // namespace xisa::cli
