// The agent's container ops: ping, run, list, stop, usage.
#include "agent/agent.h"
#include "agent/bundle.h"
#include "agent/slice_admission.h"
#include "agent/slice_cgroup.h"
#include "agent/usage.h"
#include "support/error.h"

#include <spdlog/spdlog.h>

#include <fmt/chrono.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

using nlohmann::json;
namespace fs = std::filesystem;

namespace xisa::agent {

namespace {

std::string required_string(const json &request, const char *key) {
  if (!request.contains(key) || !request[key].is_string() || request[key].get<std::string>().empty())
    fail("request has no \"{}\" string", key);
  return request[key].get<std::string>();
}

void check_container_name(const std::string &name) {
  static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  if (!std::regex_match(name, pattern))
    fail("container name '{}' must be 1-32 of [A-Za-z0-9_.-], starting with a letter or digit",
         name);
}

std::string now_utc() {
  return fmt::format("{:%FT%TZ}", std::chrono::floor<std::chrono::seconds>(
                                      std::chrono::system_clock::now()));
}

const SliceConfig &choose_slice(const Agent &agent, const json &request, uint64_t memory) {
  if (request.contains("slice") && !request["slice"].is_null()) {
    std::string wanted = required_string(request, "slice");
    const SliceConfig *slice = agent.config.find_slice(wanted);
    if (!slice) {
      std::vector<std::string> names;
      for (const SliceConfig &s : agent.config.slices)
        names.push_back(s.name);
      fail("no slice '{}' on agent {} (slices: {})", wanted, agent.config.name,
           fmt::join(names, ", "));
    }
    check_admission(*slice, slice_load(agent.containers, slice->name),
                    memory ? memory : default_container_memory(*slice));
    return *slice;
  }
  std::vector<std::string> refusals;
  for (const SliceConfig &slice : agent.config.slices) {
    try {
      check_admission(slice, slice_load(agent.containers, slice.name),
                      memory ? memory : default_container_memory(slice));
      return slice;
    } catch (const Error &e) {
      refusals.push_back(e.what());
    }
  }
  fail("no slice has room: {}", fmt::join(refusals, "; "));
}

std::map<std::string, RuncContainer> runc_by_id(const Agent &agent) {
  std::map<std::string, RuncContainer> out;
  for (RuncContainer &c : agent.runc.list())
    out.emplace(c.id, std::move(c));
  return out;
}

json describe(const Agent &agent, const ContainerRecord &r,
              const std::map<std::string, RuncContainer> &runc_state) {
  auto it = runc_state.find(r.name);
  return {{"name", r.name},
          {"slice", r.slice},
          {"status", it == runc_state.end() ? "missing" : it->second.status},
          {"pid", it == runc_state.end() ? 0 : it->second.pid},
          {"bundle", r.user_bundle},
          {"memory_limit", r.memory},
          {"net_rate", r.net.rate},
          {"netns", r.net.netns},
          {"cgroup", r.cgroups_path},
          {"created", r.created},
          {"usage", container_usage(agent.cgroups, r.cgroups_path, r.net.host_veth)}};
}

void op_ping(Agent &agent, proto::Connection &conn, const json &) {
  json slices = json::array();
  for (const SliceConfig &s : agent.config.slices)
    slices.push_back(s.name);
  proto::send_ok(conn, {{"name", agent.config.name},
                        {"isa", name(agent.config.isa)},
                        {"cgroup", agent.cgroups.v2 ? "v2" : "v1"},
                        {"slices", slices}});
}

void op_run(Agent &agent, proto::Connection &conn, const json &request) {
  std::string name = required_string(request, "name");
  check_container_name(name);
  std::string bundle = required_string(request, "bundle");
  if (!fs::path(bundle).is_absolute())
    fail("bundle '{}' must be an absolute path on the agent's host", bundle);
  uint64_t memory = 0;
  if (request.contains("memory")) {
    if (!request["memory"].is_number_unsigned() || request["memory"].get<uint64_t>() < (4u << 20))
      fail("\"memory\" must be a byte count of at least 4 MiB");
    memory = request["memory"].get<uint64_t>();
  }

  std::lock_guard lock(agent.mutex);
  if (agent.containers.contains(name))
    fail("a container named '{}' already runs on agent {} (stop it or pick another name)", name,
         agent.config.name);
  const SliceConfig &slice = choose_slice(agent, request, memory);
  ContainerRecord r;
  r.name = name;
  r.slice = slice.name;
  r.user_bundle = bundle;
  r.agent_bundle = agent.store.bundle_dir(name);
  r.cgroups_path = slice_cgroup_path(agent.config, slice) + "/" + name;
  r.memory = memory ? memory : default_container_memory(slice);
  r.net = container_net_for(agent.config.name, name, slice.net_rate / slice.max_containers);
  r.created = now_utc();
  proto::send_progress(conn, {{"step", "placed"}, {"slice", slice.name}, {"memory", r.memory}});

  try {
    write_agent_bundle(bundle, r.agent_bundle,
                       {&slice, r.cgroups_path, r.memory, r.net.netns_path()});
    create_container_net(r.net);
    proto::send_progress(conn, {{"step", "network"}, {"netns", r.net.netns}});
    agent.runc.run_detached(name, r.agent_bundle);
  } catch (const Error &) {
    remove_container_net(r.net);
    agent.store.erase(name);
    throw;
  }
  agent.store.save(r);
  agent.containers.emplace(name, r);
  spdlog::info("container {} runs in slice {} (memory {} MiB)", name, slice.name,
               r.memory >> 20);
  proto::send_ok(conn, {{"container", describe(agent, r, runc_by_id(agent))}});
}

void op_list(Agent &agent, proto::Connection &conn, const json &) {
  std::lock_guard lock(agent.mutex);
  auto runc_state = runc_by_id(agent);
  json list = json::array();
  for (const auto &[name, record] : agent.containers)
    list.push_back(describe(agent, record, runc_state));
  proto::send_ok(conn,
                 {{"agent", agent.config.name}, {"containers", list}, {"lost", agent.store.lost()}});
}

// Asks the container's init to exit with SIGTERM and waits up to `grace`
// for it; returns whether it did (the caller force-deletes it either way).
bool terminate_gracefully(const Agent &agent, const std::string &name,
                          std::chrono::milliseconds grace) {
  auto running = [&] {
    for (const RuncContainer &c : agent.runc.list())
      if (c.id == name)
        return c.status == "running" || c.status == "paused";
    return false;
  };
  if (!running())
    return true;
  agent.runc.kill(name, "TERM");
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

void op_stop(Agent &agent, proto::Connection &conn, const json &request) {
  std::string name = required_string(request, "name");
  double grace = request.value("grace_seconds", 10.0);
  if (grace < 0 || grace > 3600)
    fail("grace_seconds must be 0-3600");
  std::lock_guard lock(agent.mutex);
  auto it = agent.containers.find(name);
  if (it == agent.containers.end()) {
    if (agent.store.erase_lost(name)) {
      spdlog::info("forgot lost container {}", name);
      proto::send_ok(conn, {{"stopped", name}, {"graceful", false}, {"was_lost", true}});
      return;
    }
    fail("no container '{}' on agent {}", name, agent.config.name);
  }
  proto::send_progress(conn, {{"step", "terminating"}, {"grace_seconds", grace}});
  bool graceful = terminate_gracefully(
      agent, name, std::chrono::milliseconds(static_cast<int64_t>(grace * 1000)));
  agent.forget_container(it->second);
  spdlog::info("container {} stopped ({})", name, graceful ? "exited on SIGTERM" : "killed");
  proto::send_ok(conn, {{"stopped", name}, {"graceful", graceful}});
}

void op_usage(Agent &agent, proto::Connection &conn, const json &) {
  std::lock_guard lock(agent.mutex);
  auto runc_state = runc_by_id(agent);
  json slices = json::array();
  for (const SliceConfig &s : agent.config.slices) {
    SliceLoad load = slice_load(agent.containers, s.name);
    slices.push_back({{"name", s.name},
                      {"cpus", format_cpu_list(s.cpus)},
                      {"memory", s.memory},
                      {"memory_reserved", load.memory},
                      {"max_containers", s.max_containers},
                      {"containers", load.containers},
                      {"net_rate", s.net_rate}});
  }
  json list = json::array();
  for (const auto &[name, record] : agent.containers)
    list.push_back(describe(agent, record, runc_state));
  proto::send_ok(conn, {{"agent", agent.config.name},
                        {"host", host_usage()},
                        {"slices", slices},
                        {"containers", list}});
}

} // namespace

void add_container_ops(Agent &agent) {
  agent.ops["ping"] = op_ping;
  agent.ops["run"] = op_run;
  agent.ops["list"] = op_list;
  agent.ops["stop"] = op_stop;
  agent.ops["usage"] = op_usage;
}

} // namespace xisa::agent
