// `xisa transform`, registered by add_process_commands (transformer/).
#pragma once
#include <CLI/CLI.hpp>

namespace xisa::cli {

void add_transform_command(CLI::App &app);

} // namespace xisa::cli
