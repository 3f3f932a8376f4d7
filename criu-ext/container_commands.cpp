#include "container_commands.h"
#include "cli/commands.h"

namespace xisa::cli {

void AgentClientOptions::add_to(CLI::App &command) {
  command.add_option("--agent", agent, "agent address HOST:PORT")->required();
  command.add_option("--token-file", token_file, "file holding the agent's token")->required();
  command.add_flag("--json", json, "print the agent's reply as JSON");
}

proto::Endpoint AgentClientOptions::endpoint() const { return proto::parse_endpoint(agent); }

std::string AgentClientOptions::token() const { return proto::read_token_file(token_file); }

void add_container_commands(CLI::App &app) {
  add_agent_command(app);
  CLI::App *container = app.add_subcommand("container", "run containers on xisa agents");
  container->require_subcommand(1);
  add_container_client_commands(*container);
  add_container_migrate_command(*container);
}

} // namespace xisa::cli
