// `xisa agent --config FILE`: the per-host daemon.
#include "agent/agent.h"
#include "container_commands.h"

#include <spdlog/spdlog.h>

namespace xisa::cli {

void add_agent_command(CLI::App &app) {
  static std::string config_path;
  CLI::App *cmd = app.add_subcommand("agent", "run the per-host container agent (a daemon)");
  cmd->add_option("--config", config_path, "agent configuration (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([] {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    agent::AgentConfig config = agent::load_config(config_path);
    agent::Agent agent(config, agent::CgroupFs::detect());
    agent::add_container_ops(agent);
    agent::add_migrate_ops(agent);
    agent.set_up_slices();
    agent.reconcile();
    agent::end_committed_migrations(agent);
    proto::Listener listener(config.listen);
    // Tests read this line to learn the port when the config says 0.
    spdlog::info("agent {} ({}, cgroup {}) listening on {}:{}", config.name, name(config.isa),
                 agent.cgroups.v2 ? "v2" : "v1", config.listen.host, listener.port());
    agent.serve(listener);
  });
}

} // namespace xisa::cli
