// The agent ops of container migration (migration.h), registered by
// add_migrate_ops (agent/agent.h).
#pragma once
#include "agent/agent.h"

namespace xisa::migrate {

void op_migrate_out(agent::Agent &agent, proto::Connection &conn, const nlohmann::json &request);
void op_migrate_check(agent::Agent &agent, proto::Connection &conn, const nlohmann::json &request);
void op_migrate_in(agent::Agent &agent, proto::Connection &conn, const nlohmann::json &request);

// `runc <agent's root and log> --criu <our CRIU> args...`.
std::vector<std::string> runc_argv(const agent::Agent &agent, std::vector<std::string> args);

// Where a container that migrated in keeps the bundle (rootfs) it came with.
std::string migrated_bundle_dir(const agent::Agent &agent, const std::string &name);

} // namespace xisa::migrate
