// CPU priority of migrations. While a container is frozen every step (runc,
// CRIU, the image transfer, the restore) is downtime, and on a busy host
// each would otherwise wait its turn behind every runnable task. Linux
// shares CPU first between scheduling groups (one autogroup per session,
// /proc/PID/autogroup) and only then by nice inside a group, so both are
// raised: the agent's own session while it migrates, and a session of its
// own for each runc and CRIU it starts. Containers keep their priority: they
// run in sessions of their own, and CRIU restores their nice from the image.
#pragma once
#include <sys/types.h>

namespace xisa::migrate {

// Nice of the agent's migration threads and of the scheduling groups above.
inline constexpr int kMigrationNice = -20;

// Sets the group of the session that pid leads to kMigrationNice. Kernels
// without autogroups have no file; nothing to do there.
void prioritize_session(pid_t pid);

// For the lifetime of one migration op: the calling thread (and the threads
// and processes it starts) at kMigrationNice, and the agent's session's
// group too while any migration runs; the group gets its old nice back when
// the last one ends. Without CAP_SYS_NICE the migration runs at normal
// priority, with a warning.
class MigrationPriority {
public:
  MigrationPriority();
  ~MigrationPriority();
  MigrationPriority(const MigrationPriority &) = delete;
  MigrationPriority &operator=(const MigrationPriority &) = delete;
};

} // namespace xisa::migrate
