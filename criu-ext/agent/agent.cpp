#include "agent/agent.h"
#include "agent/slice_cgroup.h"
#include "support/error.h"

#include <spdlog/spdlog.h>

#include <set>
#include <thread>

using nlohmann::json;

namespace xisa::agent {

// A request line must arrive this soon after connecting.
constexpr unsigned kRequestTimeoutSeconds = 30;
// Connections served at once; more get "busy".
constexpr int kMaxConnections = 64;

static std::string read_agent_token(const std::string &path) {
  std::string token = proto::read_token_file(path);
  if (token.size() < 16)
    fail("token in '{}' has {} characters: use at least 16 (e.g. `head -c 24 /dev/urandom | "
         "base64 > {}`)",
         path, token.size(), path);
  return token;
}

Agent::Agent(AgentConfig cfg, CgroupFs cg)
    : config(std::move(cfg)), token(read_agent_token(config.token_file)),
      cgroups(std::move(cg)), store(config.state_dir),
      runc(store.runc_root(), store.runc_log()) {
  containers = store.load();
}

void Agent::set_up_slices() {
  for (const SliceConfig &slice : config.slices) {
    apply_slice(cgroups, config, slice);
    spdlog::info("slice {}: cpus {}, memory {} MiB, up to {} containers ({})", slice.name,
                 format_cpu_list(slice.cpus), slice.memory >> 20, slice.max_containers,
                 slice_cgroup_path(config, slice));
  }
}

void Agent::forget_container(const ContainerRecord &record) {
  std::string name = record.name; // record lives in `containers`
  runc.remove(name);
  remove_container_net(record.net);
  store.erase(name);
  containers.erase(name);
}

void Agent::reconcile() {
  std::lock_guard lock(mutex);
  std::set<std::string> known;
  for (const RuncContainer &c : runc.list())
    known.insert(c.id);
  for (auto it = containers.begin(); it != containers.end();) {
    const ContainerRecord &record = it->second;
    if (known.contains(record.name)) {
      spdlog::info("container {} (slice {}) is still there", record.name, record.slice);
      known.erase(record.name);
      ++it;
      continue;
    }
    spdlog::warn("container {} is gone from runc (host restarted?): forgetting it", record.name);
    remove_container_net(record.net);
    store.erase(record.name);
    it = containers.erase(it);
  }
  for (const std::string &stray : known)
    spdlog::warn("runc has container {} that the agent has no record of: leaving it alone",
                 stray);
}

void Agent::handle(proto::Connection conn) {
  std::string op = "?";
  try {
    conn.set_read_timeout(kRequestTimeoutSeconds);
    json request = conn.read_message();
    conn.set_read_timeout(0);
    op = request.value("op", "?");
    const json *given = request.contains("token") ? &request["token"] : nullptr;
    if (!given || !given->is_string() || !proto::token_equal(token, given->get<std::string>())) {
      spdlog::warn("unauthorized request from {} (op '{}', {})", conn.peer(), op,
                   given ? "wrong token" : "no token");
      proto::send_error(conn, "unauthorized");
      return;
    }
    auto handler = ops.find(op);
    if (handler == ops.end()) {
      std::vector<std::string> names;
      for (const auto &[name, fn] : ops)
        names.push_back(name);
      fail("unknown op '{}' (this agent knows: {})", op, fmt::join(names, ", "));
    }
    spdlog::info("{} from {}", op, conn.peer());
    handler->second(*this, conn, request);
  } catch (const std::exception &e) {
    spdlog::warn("{} from {} failed: {}", op, conn.peer(), e.what());
    try {
      proto::send_error(conn, e.what());
    } catch (const Error &) {
      // The client went away; nothing more to tell it.
    }
  }
}

void Agent::serve(proto::Listener &listener) {
  for (;;) {
    proto::Connection conn = listener.accept();
    if (active_requests.load() >= kMaxConnections) {
      proto::send_error(conn, "busy: too many requests at once, retry shortly");
      continue;
    }
    ++active_requests;
    std::thread([this, c = std::move(conn)]() mutable {
      handle(std::move(c));
      --active_requests;
    }).detach();
  }
}

} // namespace xisa::agent
