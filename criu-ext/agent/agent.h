// The per-host agent: its configuration, what it knows about its containers,
// and the request loop that dispatches protocol ops to handlers.
//
// Ops are registered by name, so other parts add their own without touching
// this file: add_container_ops (ping, run, list, stop, usage) here, and
// add_migrate_ops from criu-ext/migrate/.
#pragma once
#include "agent/cgroup_fs.h"
#include "agent/config.h"
#include "agent/runc.h"
#include "agent/state_store.h"
#include "protocol/protocol.h"

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace xisa::agent {

struct Agent;

// Handles one authorized request: sends progress and exactly one final
// reply on conn, or throws xisa::Error (sent as {"ok": false, "error"}).
using OpHandler =
    std::function<void(Agent &agent, proto::Connection &conn, const nlohmann::json &request)>;

struct Agent {
  AgentConfig config;
  std::string token;
  CgroupFs cgroups;
  StateStore store;
  Runc runc;
  std::map<std::string, OpHandler> ops;
  std::atomic<int> active_requests{0};

  // Held by an op while it reads or changes containers, runc or cgroups.
  std::mutex mutex;
  std::map<std::string, ContainerRecord> containers;

  Agent(AgentConfig config, CgroupFs cgroups);

  // Creates every slice's cgroup with its limits.
  void set_up_slices();
  // Drops records of containers runc no longer has (e.g. after a reboot).
  void reconcile();
  // Accepts connections for ever, one thread per request.
  [[noreturn]] void serve(proto::Listener &listener);
  void handle(proto::Connection conn);

  // Removes a container's runc state, network and records (lock held).
  void forget_container(const ContainerRecord &record);
};

void add_container_ops(Agent &agent);
// Container migration's ops, implemented in criu-ext/migrate/.
void add_migrate_ops(Agent &agent);
// Ends the source copies of containers whose post-copy migration had
// committed (they run on the destination) when this agent stopped.
void end_committed_migrations(Agent &agent);

} // namespace xisa::agent
