// Stands in for container migration (criu-ext/migrate/) until that
// directory provides a CMakeLists.txt with its library; criu-ext/CMakeLists.txt
// then links that instead of this file. Owner of criu-ext/migrate/: implement
//   void xisa::cli::add_container_migrate_command(CLI::App &container);
//   void xisa::agent::add_migrate_ops(xisa::agent::Agent &agent);
// in a library target named xisa_container_migrate.
#include "agent/agent.h"
#include "container_commands.h"

namespace xisa::cli {
void add_container_migrate_command(CLI::App &) {}
} // namespace xisa::cli

namespace xisa::agent {
void add_migrate_ops(Agent &) {}
} // namespace xisa::agent
