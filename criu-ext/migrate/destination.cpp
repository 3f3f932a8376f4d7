// migrate_in: the destination agent's side of a migration (migration.h).
//
// Receives the user bundle, places the container in a slice as `run` would
// (same admission, derived bundle and network namespace), re-plumbs its
// address and starts the restore, all before the source freezes the
// container; then receives the image set and lets the restore go. In
// post-copy, `criu lazy-pages` connects to the source's page relay and
// feeds the restored tasks' page faults and pushes the rest.
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
#include "migrate/images_gate.h"
#include "migrate/priority.h"
#include "migrate/migrate_ops.h"
#include "migrate/migration.h"
#include "support/error.h"

#include <spdlog/spdlog.h>

#include <fmt/chrono.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sys/mount.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace xisa::migrate {

namespace {

using Clock = std::chrono::steady_clock;

// How long `criu lazy-pages` may take to read the images and listen on its
// socket once its gate is open.
constexpr int kLazyDaemonStartMs = 10'000;
// How long runc and CRIU may take to start and reach their images gates
// before "ready" goes out anyway (the rest of their start-up is then
// downtime).
constexpr int kGateReachedMs = 10'000;
// The source freezes and dumps after our "ready": a stop-and-copy dump of
// GiBs takes minutes on a loaded host.
constexpr unsigned kImagesTimeoutS = 600;
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

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// runc restore reads the container's stdio from descriptors.json in the
// image set before it starts CRIU, so a restore started ahead of the images
// needs it first. Agents give every container /dev/null stdio (agent/runc.h),
// so it is known; the real one is checked when the images arrive.
const json kAgentStdio = {"/dev/null", "/dev/null", "/dev/null"};

// The pre-started runc restore and lazy daemon of a migration, by process
// group, so that the next migration of the name can end them if this agent
// dies: they give up at their gate then, but a runc restore still cleaning
// up would delete the next one's runc state.
std::string prestarted_file(const std::string &dir) { return dir + "/prestarted.pids"; }

// Ends the process groups an earlier agent left in dir, once it is sure they
// are them (their command line names dir): they fail at their closed gate
// and clean up by themselves, so they get some seconds before SIGKILL.
void end_leftover_prestarted(const std::string &dir) {
  std::ifstream in(prestarted_file(dir));
  for (pid_t pid; in >> pid;) {
    std::string proc = "/proc/" + std::to_string(pid);
    std::ifstream cmdline(proc + "/cmdline");
    std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (args.find(dir) == std::string::npos)
      continue;
    for (int i = 0; i < 1000 && fs::exists(proc); ++i) {
      if (i == 500)
        ::kill(-pid, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

// One container arriving at this agent.
//
// prepare() runs while the container still runs on the source: bundle,
// slice, network namespace (host end down), and `criu lazy-pages` and
// `runc restore` started but held at their images gates. finish() runs in
// the downtime: images in, gates open, restore done.
struct Incoming {
  agent::Agent &agent;
  proto::Connection &conn;
  agent::ContainerRecord record;
  const agent::SliceConfig *slice = nullptr;
  Mode mode = Mode::PostCopy;
  std::string dir; // migrated_bundle_dir: images/ and bundle/
  proto::Endpoint source = {}; // post-copy: the source's page relay
  bool placed = false;
  std::optional<ImagesGate> lazy_gate = {}, restore_gate = {};
  std::optional<StatusPipe> lazy_status = {}; // its socket listens
  std::optional<Child> lazy = {}, runc_restore = {};

  std::string images() const { return dir + "/images"; }

  std::vector<std::string> runc(std::vector<std::string> args) const {
    return runc_argv(agent, std::move(args));
  }

  // Undoes everything after a failure; the container must not run here.
  void undo() {
    runc_restore.reset(); // kills a restore still waiting at its gate
    lazy.reset();
    restore_gate.reset();
    lazy_gate.reset();
    std::lock_guard lock(agent.mutex);
    run_quietly(runc({"delete", "--force", record.name}));
    agent::remove_container_net(record.net);
    agent.store.erase(record.name);
    if (placed)
      agent.containers.erase(record.name);
    keep_criu_logs(images(), record.name, "destination");
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

  // A CRIU that ended before its gate opened does not know the gate: it is
  // not built with scripts/criu-patches (run scripts/setup-criu.sh).
  static void check_still_waiting(Child &child, const std::string &log) {
    if (child.poll() >= 0)
      fail("{} ended before the image set arrived (a CRIU without the images gate of "
           "scripts/criu-patches? run scripts/setup-criu.sh): {}",
           child.what(), log_tail(log));
  }

  void check_descriptors() const {
    std::ifstream in(images() + "/descriptors.json");
    json stdio = json::parse(in, nullptr, false);
    if (stdio != kAgentStdio)
      fail("container '{}' has stdio {} on the source, but agents restore only containers with "
           "/dev/null stdio",
           record.name, stdio.is_discarded() ? "that runc did not record" : stdio.dump());
  }

  void prepare(const json &request);
  json finish();
  [[noreturn]] void lost_source(const json &times);
};

void Incoming::prepare(const json &request) {
  receive_file_set(conn, request.value("files", json()), dir);
  fs::create_directories(images());
  agent::write_agent_bundle(dir + "/bundle", record.agent_bundle,
                            {slice, record.cgroups_path, record.memory, record.net.netns_path()});
  // An agent that died in a migration of this name leaves its namespace and
  // runc state behind; admission found the name free, so they are leftovers.
  // (end_leftover_prestarted has ended its processes.) A restore that died
  // early leaves a state directory without state.json and with the rootfs
  // still mounted for CRIU, which runc delete does not know but runc restore
  // refuses as "already exists".
  run_quietly(runc({"delete", "--force", record.name}));
  std::string runc_state = agent.store.runc_root() + "/" + record.name;
  ::umount2((runc_state + "/criu-root").c_str(), MNT_DETACH);
  fs::remove_all(runc_state);
  agent::remove_container_net(record.net);
  agent::create_container_net(record.net);
  // Down until the images arrive: the source still answers for the address.
  set_host_link(record.net.host_veth, false);
  configure_network(ContainerNetwork::from_json(request.value("network", json::object())),
                    record.net.netns_path(), record.net.host_veth);
  std::ofstream(images() + "/descriptors.json") << kAgentStdio.dump();

  if (mode == Mode::PostCopy) {
    source = proto::parse_endpoint(request.value("page_server", ""));
    lazy_gate.emplace(dir + "/lazy.gate");
    lazy_status.emplace();
    ChildOptions options = criu_child(dir + "/lazy.out", lazy_status->write_end());
    options.env.push_back(lazy_gate->env());
    lazy.emplace(std::vector<std::string>{criu_path(), "lazy-pages", "--page-server", "--address",
                                          source.host, "--port", std::to_string(source.port),
                                          "--images-dir", images(), "--work-dir", images(),
                                          "--status-fd", "3", "-v4", "--log-file", "lazy.log"},
                 options);
  }
  std::vector<std::string> args = {"restore", "--detach", "--tcp-established", "--image-path",
                                   images(), "--work-path", images(), "--bundle",
                                   record.agent_bundle};
  if (lazy)
    args.push_back("--lazy-pages");
  args.push_back(record.name);
  restore_gate.emplace(dir + "/restore.gate");
  ChildOptions options = restore_child();
  options.env.push_back(restore_gate->env());
  runc_restore.emplace(runc(args), options);
  std::ofstream(prestarted_file(dir)) << runc_restore->pid() << ' ' << (lazy ? lazy->pid() : 0);
  // Ready once both CRIUs wait at their gates: their start-up (0.1-0.5 s
  // here) then cannot reach into the downtime. A CRIU that ended is
  // reported when the images come (check_still_waiting).
  if (lazy && !lazy_gate->wait_until_reached(*lazy, kGateReachedMs))
    spdlog::warn("criu lazy-pages did not reach its images gate within {} ms", kGateReachedMs);
  if (!restore_gate->wait_until_reached(*runc_restore, kGateReachedMs))
    spdlog::warn("runc restore's CRIU did not reach its images gate within {} ms", kGateReachedMs);
  proto::send_progress(conn, {{"phase", "ready"}, {"slice", slice->name}});
}

// The source went away before every page arrived: the container's memory
// is incomplete, so it must not go on running. Our CRIU patch 0005 makes the
// lazy daemon kill the restored tasks before it exits (a task touching a
// missing page would otherwise read zeros); the container is then removed
// here and recorded as lost, which `list` reports until `stop` clears it.
void Incoming::lost_source(const json &times) {
  std::string why = log_tail(images() + "/lazy.log", 3);
  std::optional<double> resumed = criu_log_wall_time(images() + "/restore.log", kResumedLine);
  lazy.reset();
  undo();
  std::string error = fmt::format(
      "the source was lost during post-copy, {:.0f} ms after the container started here; its "
      "pages that had not arrived were lost with it, so the container was killed and removed "
      "(CRIU lazy-pages: {})",
      (wall_now() - resumed.value_or(times.value("images_received_at", wall_now()))) * 1e3, why);
  spdlog::error("container {}: {}", record.name, error);
  agent.store.save_lost({{"name", record.name},
                         {"slice", record.slice},
                         {"source", source.text()},
                         {"lost_at", fmt::format("{:%FT%TZ}", std::chrono::floor<std::chrono::seconds>(
                                                                   std::chrono::system_clock::now()))},
                         {"error", error}});
  fail("container '{}': {}", record.name, error);
}

json Incoming::finish() {
  conn.set_read_timeout(kImagesTimeoutS);
  json images_message = conn.read_message();
  conn.set_read_timeout(0);
  receive_file_set(conn, images_message.value("files", json()), dir);
  double received_at = wall_now();
  apply_fault_hook();
  check_descriptors();
  check_still_waiting(*runc_restore, images() + "/restore.log");
  set_host_link(record.net.host_veth, true);
  if (lazy) {
    check_still_waiting(*lazy, images() + "/lazy.log");
    lazy_gate->open();
    // Not the socket file's existence: CRIU binds before it listens, and a
    // restore connecting in between is refused. Our CRIU (patch 0019)
    // listens and reports it before its gate, so this does not wait.
    if (!lazy_status->wait(*lazy, kLazyDaemonStartMs))
      fail("criu lazy-pages did not start: {}", log_tail(images() + "/lazy.log"));
  }
  double restore_at = wall_now();
  {
    CgroupCpuBoost boost(agent.cgroups, record.cgroups_path); // CRIU restores from in there
    restore_gate->open();
    if (runc_restore->wait() != 0)
      fail("restore of '{}' failed: {}", record.name, log_tail(images() + "/restore.log"));
  }
  {
    std::lock_guard lock(agent.mutex);
    agent.store.save(record);
  }
  std::optional<double> resumed_at =
      criu_log_wall_time(images() + "/restore.log", kResumedLine);
  json times = {{"images_received_at", received_at},
                {"restore_started_at", restore_at},
                {"resumed_at", resumed_at ? json(*resumed_at) : json()}};
  json running = times;
  running["phase"] = "running";
  proto::send_progress(conn, running);
  spdlog::info("container {} restored in slice {} ({:.1f} ms after its images arrived)",
               record.name, slice->name, (resumed_at.value_or(wall_now()) - received_at) * 1e3);

  json result = times;
  result["slice"] = slice->name;
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
    if (lazy->wait() != 0)
      lost_source(result);
    result["all_pages_at"] = wall_now();
    LazyStats pages = read_lazy_stats(images() + "/lazy.log");
    result["pages_faulted"] = pages.pages_faulted;
    result["pages_pushed"] = pages.pages_total - std::min(pages.pages_total, pages.pages_faulted);
    spdlog::info("container {} has all its pages ({} faulted, {} pushed)", record.name,
                 result["pages_faulted"].get<uint64_t>(), result["pages_pushed"].get<uint64_t>());
  }
  keep_criu_logs(images(), record.name, "destination");
  fs::remove_all(images());
  fs::remove(prestarted_file(dir));
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
  Incoming in{.agent = agent,
              .conn = conn,
              .record = {},
              .mode = parse_mode(request.value("mode", "postcopy")),
              .dir = migrated_bundle_dir(agent, name)};
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
  end_leftover_prestarted(in.dir);
  fs::remove_all(in.dir);
  fs::create_directories(in.dir);
  json result;
  try {
    in.prepare(request);
    result = in.finish();
  } catch (...) {
    in.undo();
    throw;
  }
  proto::send_ok(conn, result);
}

} // namespace xisa::migrate
