// `xisa`: one command, subcommands registered by each component.
#include "cli/commands.h"
#include "support/error.h"

#include <cstdio>

int main(int argc, char **argv) {
  CLI::App app{"xisa: cross-ISA migration for programs built with xisa-cc"};
  app.require_subcommand(1);
  xisa::cli::add_layout_commands(app);
  xisa::cli::add_meta_commands(app);
  xisa::cli::add_process_commands(app);
  xisa::cli::add_container_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  } catch (const xisa::Error &e) {
    std::fprintf(stderr, "xisa: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
