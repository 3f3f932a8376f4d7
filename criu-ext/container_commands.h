// `xisa agent` and `xisa container ...`: registered by add_container_commands
// (cli/commands.h). Container migration adds `xisa container migrate` in its
// own file by implementing add_container_migrate_command (criu-ext/migrate/).
#pragma once
#include "protocol/protocol.h"

#include <CLI/CLI.hpp>
#include <string>

namespace xisa::cli {

// Options every client command shares.
struct AgentClientOptions {
  std::string agent;      // HOST:PORT
  std::string token_file;
  bool json = false;

  void add_to(CLI::App &command);
  proto::Endpoint endpoint() const;
  std::string token() const;
};

void add_agent_command(CLI::App &app);
void add_container_client_commands(CLI::App &container);
// Implemented by container migration (criu-ext/migrate/); a placeholder
// stands in until that directory has its CMakeLists.txt.
void add_container_migrate_command(CLI::App &container);

} // namespace xisa::cli
