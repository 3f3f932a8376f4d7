#include "migrate/migrate_ops.h"

namespace xisa::migrate {

std::string migrated_bundle_dir(const agent::Agent &agent, const std::string &name) {
  return agent.config.state_dir + "/migrated/" + name;
}

} // namespace xisa::migrate

namespace xisa::agent {

void add_migrate_ops(Agent &agent) {
  agent.ops["migrate_out"] = migrate::op_migrate_out;
  agent.ops["migrate_check"] = migrate::op_migrate_check;
  agent.ops["migrate_in"] = migrate::op_migrate_in;
}

} // namespace xisa::agent
