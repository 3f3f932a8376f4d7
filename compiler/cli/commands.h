// Each component registers its own `xisa` subcommands; xisa_main.cpp only
// wires them together.
#pragma once
#include <CLI/CLI.hpp>

namespace xisa::cli {

void add_layout_commands(CLI::App &app);    // compiler/link: layout check
void add_meta_commands(CLI::App &app);      // compiler/meta: meta dump, meta check
void add_process_commands(CLI::App &app);   // transformer: run, migrate, checkpoint, restore, transform
void add_container_commands(CLI::App &app); // criu-ext: agent, container

} // namespace xisa::cli
