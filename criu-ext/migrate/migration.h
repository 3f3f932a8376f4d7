// Container migration between agents (docs/container-migration.md).
//
// Ops, on top of the agent protocol (docs/design.md):
//   migrate_out  client -> source agent
//       {"name", "to": "HOST:PORT", "slice"?, "mode": "postcopy"|"stopcopy"|"precopy"}
//       progress events {"event": "progress", "phase": ...}; final
//       {"ok": true, "report": {...}} (see Report).
//   migrate_check  source agent -> destination agent, before the dump:
//       the migrate_in fields without files; {"ok": true, "slice"} if the
//       destination can take the container (ISA, name, slice room, bridge).
//   migrate_in   source agent -> destination agent, in two messages:
//       1. {"name", "slice"?, "mode", "isa", "memory", "network": {...},
//          "page_server": "HOST:PORT" (postcopy), "files": [manifest]} + bytes
//          (file_set.h: "bundle/..." the container's user bundle), sent while
//          the container still runs on the source. The destination places
//          it, builds its network (host end down) and starts `runc restore`
//          (and `criu lazy-pages`) held at an images gate (images_gate.h),
//          then sends progress {"phase": "ready"}.
//       2. After the dump: {"images": true, "files": [manifest]} + bytes
//          ("images/..." the CRIU image set). Progress {"phase": "running",
//          "images_received_at", "restore_started_at", "resumed_at"} (wall
//          clock, seconds) the moment the container runs there; final
//          {"ok": true, ...} with the same times and the restore's and the
//          lazy-pages daemon's counts once every page has arrived. If the
//          source closes the connection instead of sending 2, the
//          destination undoes everything.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xisa::migrate {

enum class Mode { PostCopy, StopCopy, PreCopy };
Mode parse_mode(std::string_view text);
std::string_view mode_name(Mode mode);

// CRIU built by scripts/setup-criu.sh (Debian's 3.17 cannot run on kernels
// >= 6.13); XISA_CRIU overrides it.
std::string criu_path();
// Environment CRIU needs on these machines: CRIU_FAULT=130 keeps it from
// using hardware breakpoints, which never fire here (docs/platform notes).
// CRIU_RPC_NOTIFY_SKIP (CRIU patch 0023) spares runc's CRIU the RPC
// notifications runc does nothing on for an agent's container, whose
// network namespace the agent made (bundle.cpp): each is a round trip to
// runc, most inside the migration's frozen window.
std::vector<std::string> criu_env();

// Test hook, read by the agents from XISA_MIGRATE_FAULT:
//   "exit-after-images"        the destination agent exits as if killed,
//                              right after it received the image set;
//   "corrupt-images"           it truncates pstree.img, so the restore fails;
//   "slow-pages"               the source's page relay sends at most 8 MiB/s,
//                              so post-copy lasts long enough for a test to
//                              kill the source in the middle of it.
std::string injected_fault();

// Debugging and benchmarks: with XISA_MIGRATE_LOG_DIR set in an agent's
// environment, the CRIU logs (*.log) of each migration are copied from dir
// to $XISA_MIGRATE_LOG_DIR/<name>-<side>/ before the agent removes them;
// a later migration of the name overwrites them.
void keep_criu_logs(const std::string &dir, const std::string &name, std::string_view side);

} // namespace xisa::migrate
