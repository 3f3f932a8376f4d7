#include "migrate/migrate_ops.h"
#include "migrate/migration.h"
#include "migrate/priority.h"

namespace xisa::migrate {

std::vector<std::string> runc_argv(const agent::Agent &agent, std::vector<std::string> args) {
  std::vector<std::string> argv = agent.runc.base_args();
  argv.insert(argv.end(), {"--criu", criu_path()});
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string migrated_bundle_dir(const agent::Agent &agent, const std::string &name) {
  return agent.config.state_dir + "/migrated/" + name;
}

} // namespace xisa::migrate

namespace xisa::agent {

namespace {

// Migrations run prioritized (priority.h); the thread ends with the op.
OpHandler prioritized(OpHandler op) {
  return [op](Agent &agent, proto::Connection &conn, const nlohmann::json &request) {
    migrate::MigrationPriority priority;
    op(agent, conn, request);
  };
}

} // namespace

void add_migrate_ops(Agent &agent) {
  agent.ops["migrate_out"] = prioritized(migrate::op_migrate_out);
  agent.ops["migrate_check"] = migrate::op_migrate_check;
  agent.ops["migrate_in"] = prioritized(migrate::op_migrate_in);
}

} // namespace xisa::agent
