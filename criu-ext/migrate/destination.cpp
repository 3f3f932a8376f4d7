// migrate_in: the destination agent's side of a migration (migration.h).
//
// Receives the image set and the user bundle as files, places the container
// in a slice as `run` would (same admission, derived bundle and network
// namespace), re-plumbs its address, and restores it with runc; in
// post-copy, `criu lazy-pages` first connects to the source's page relay and
// then feeds the restored tasks' page faults and pushes the rest.
//
// The image set is plain files in <state_dir>/migrated/<name>/images before
// the restore: that is where a transformer for hosts of different ISAs
// would rewrite it (docs/container-migration.md); until then a foreign
// image set is refused.
#include "agent/agent.h"
#include "agent/bundle.h"
#include "agent/slice_admission.h"
#include "agent/slice_cgroup.h"
#include "migrate/child.h"
#include "migrate/container_network.h"
#include "migrate/criu_stats.h"
#include "migrate/file_set.h"
#include "migrate/migrate_ops.h"
#include "migrate/migration.h"
#include "support/error.h"

#include <spdlog/spdlog.h>

#include <fmt/chrono.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace xisa::migrate {

namespace {

using Clock = std::chrono::steady_clock;

// How long `criu lazy-pages` may take to connect and open its socket.
constexpr auto kLazyDaemonStart = std::chrono::seconds(10);
// Progress while pages are pushed keeps the source's read timeout happy.
constexpr auto kHeartbeat = std::chrono::seconds(1);

const agent::SliceConfig &place_in_slice(const agent::Agent &agent, const std::string &wanted,
                                         uint64_t memory) {
  if (!wanted.empty()) {
    const agent::SliceConfig *slice = agent.config.find_slice(wanted);
    if (!slice)
      fail("no slice '{}' on agent {}", wanted, agent.config.name);
    agent::check_admission(*slice, agent::slice_load(agent.containers, slice->name), memory);
    return *slice;
  }
  std::string refusals;
  for (const agent::SliceConfig &slice : agent.config.slices) {
    try {
      agent::check_admission(slice, agent::slice_load(agent.containers, slice.name), memory);
      return slice;
    } catch (const Error &e) {
      refusals += (refusals.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  fail("no slice on agent {} has room for the container: {}", agent.config.name, refusals);
}

// One container arriving at this agent.
struct Incoming {
  agent::Agent &agent;
  proto::Connection &conn;
  agent::ContainerRecord record;
  const agent::SliceConfig *slice = nullptr;
  Mode mode = Mode::PostCopy;
  std::string dir; // migrated_bundle_dir: images/ and bundle/
  bool placed = false;

  std::string images() const { return dir + "/images"; }

  std::vector<std::string> runc(std::vector<std::string> args) const {
    std::vector<std::string> argv = agent.runc.base_args();
    argv.insert(argv.end(), {"--criu", criu_path()});
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  // Undoes everything after a failure; the container must not run here.
  void undo() {
    std::lock_guard lock(agent.mutex);
    run_quietly(runc({"delete", "--force", record.name}));
    agent::remove_container_net(record.net);
    agent.store.erase(record.name);
    if (placed)
      agent.containers.erase(record.name);
    fs::remove_all(dir);
  }

  void apply_fault_hook() const {
    std::string fault = injected_fault();
    if (fault == "exit-after-images") {
      spdlog::warn("XISA_MIGRATE_FAULT={}: exiting as if killed", fault);
      ::_exit(137);
    }
    if (fault == "corrupt-images")
      fs::resize_file(images() + "/pstree.img", 3);
  }

  void wait_for_lazy_socket(Child &lazy) const {
    Clock::time_point deadline = Clock::now() + kLazyDaemonStart;
    while (!fs::exists(images() + "/lazy-pages.socket")) {
      if (lazy.poll() >= 0 || Clock::now() > deadline)
        fail("criu lazy-pages did not start: {}", log_tail(images() + "/lazy.log"));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  json restore(const json &request);
};

json Incoming::restore(const json &request) {
  receive_file_set(conn, request.value("files", json()), dir);
  apply_fault_hook();
  agent::write_agent_bundle(dir + "/bundle", record.agent_bundle,
                            {slice, record.cgroups_path, record.memory, record.net.netns_path()});
  agent::create_container_net(record.net);
  configure_network(ContainerNetwork::from_json(request.value("network", json::object())),
                    record.net.netns_path(), record.net.host_veth);
  proto::send_progress(conn, {{"phase", "restore"}, {"slice", slice->name}});

  std::optional<Child> lazy;
  if (mode == Mode::PostCopy) {
    proto::Endpoint source = proto::parse_endpoint(request.value("page_server", ""));
    lazy.emplace(std::vector<std::string>{criu_path(), "lazy-pages", "--page-server", "--address",
                                          source.host, "--port", std::to_string(source.port),
                                          "--images-dir", images(), "--work-dir", images(),
                                          "-v4", "--log-file", "lazy.log"},
                 criu_child(images() + "/lazy.out"));
    wait_for_lazy_socket(*lazy);
  }
  Clock::time_point start = Clock::now();
  std::vector<std::string> args = {"restore", "--detach", "--tcp-established", "--image-path",
                                   images(), "--work-path", images(), "--bundle",
                                   record.agent_bundle};
  if (lazy)
    args.push_back("--lazy-pages");
  args.push_back(record.name);
  Child runc_restore(runc(args), criu_child(images() + "/runc.out"));
  if (runc_restore.wait() != 0)
    fail("restore of '{}' failed: {}", record.name, log_tail(images() + "/restore.log"));
  double restore_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  {
    std::lock_guard lock(agent.mutex);
    agent.store.save(record);
  }
  proto::send_progress(conn, {{"phase", "running"}, {"restore_ms", restore_ms}});
  spdlog::info("container {} restored in slice {} ({:.1f} ms)", record.name, slice->name,
               restore_ms);

  json result = {{"restore_ms", restore_ms}, {"slice", slice->name}};
  if (auto stats = read_restore_stats(images()))
    result["criu_restore_ms"] = stats->restore_us / 1000.0;
  if (lazy) {
    Clock::time_point beat = Clock::now();
    while (lazy->poll() < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (Clock::now() - beat >= kHeartbeat) {
        beat = Clock::now();
        try {
          proto::send_progress(conn, {{"phase", "pages"}});
        } catch (const Error &) {
          // The source may be gone; the lazy daemon's end decides.
        }
      }
    }
    if (lazy->wait() != 0) {
      // The source went away before every page arrived: the container's
      // memory is incomplete, so it must not go on running.
      undo();
      fail("the source was lost during post-copy; container '{}' had missing pages and was "
           "stopped here: {}",
           record.name, log_tail(images() + "/lazy.log"));
    }
    LazyStats pages = read_lazy_stats(images() + "/lazy.log");
    result["pages_faulted"] = pages.pages_faulted;
    result["pages_pushed"] = pages.pages_total - std::min(pages.pages_total, pages.pages_faulted);
    spdlog::info("container {} has all its pages ({} faulted, {} pushed)", record.name,
                 result["pages_faulted"].get<uint64_t>(), result["pages_pushed"].get<uint64_t>());
  }
  fs::remove_all(images());
  return result;
}

// What the destination checks before anything moves: same ISA, a free
// name, a slice with room, the bridge. Called with the agent's lock held.
const agent::SliceConfig &admit(const agent::Agent &agent, const json &request) {
  std::string name = request.value("name", "");
  if (name.empty())
    fail("migration request has no \"name\"");
  std::string isa = request.value("isa", "");
  if (isa != xisa::name(agent.config.isa))
    fail("container '{}' was dumped on {} but agent {} is {}: restoring a foreign image set needs "
         "the image transformer step (docs/container-migration.md), which container migration "
         "does not run yet",
         name, isa.empty() ? "an unnamed ISA" : isa, agent.config.name,
         xisa::name(agent.config.isa));
  if (agent.containers.contains(name))
    fail("a container named '{}' already runs on agent {}", name, agent.config.name);
  check_bridge(ContainerNetwork::from_json(request.value("network", json::object())));
  return place_in_slice(agent, request.value("slice", ""), request.value("memory", uint64_t{0}));
}

} // namespace

void op_migrate_check(agent::Agent &agent, proto::Connection &conn, const json &request) {
  std::lock_guard lock(agent.mutex);
  const agent::SliceConfig &slice = admit(agent, request);
  proto::send_ok(conn, {{"slice", slice.name}});
}

void op_migrate_in(agent::Agent &agent, proto::Connection &conn, const json &request) {
  std::string name = request.value("name", "");
  Incoming in{agent, conn, {}, nullptr, parse_mode(request.value("mode", "postcopy")),
              migrated_bundle_dir(agent, name), false};
  {
    std::lock_guard lock(agent.mutex);
    in.slice = &admit(agent, request);
    uint64_t memory = request.value("memory", uint64_t{0});
    agent::ContainerRecord &r = in.record;
    r.name = name;
    r.slice = in.slice->name;
    r.user_bundle = in.dir + "/bundle";
    r.agent_bundle = agent.store.bundle_dir(name);
    r.cgroups_path = agent::slice_cgroup_path(agent.config, *in.slice) + "/" + name;
    r.memory = memory ? memory : agent::default_container_memory(*in.slice);
    r.net = agent::container_net_for(agent.config.name, name,
                                     in.slice->net_rate / in.slice->max_containers);
    r.created = fmt::format("{:%FT%TZ}", std::chrono::floor<std::chrono::seconds>(
                                             std::chrono::system_clock::now()));
    // Reserved now, so that the slice's admission counts it while it arrives.
    agent.containers.emplace(name, r);
    in.placed = true;
  }
  fs::remove_all(in.dir);
  fs::create_directories(in.dir);
  json result;
  try {
    result = in.restore(request);
  } catch (...) {
    in.undo();
    throw;
  }
  proto::send_ok(conn, result);
}

} // namespace xisa::migrate
