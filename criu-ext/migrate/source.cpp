// migrate_out: the source agent's side of a migration (migration.h).
//
// First the bundle goes to the destination, which places the container and
// starts its restore, held back until the images come (images_gate.h); the
// container runs here meanwhile. Post-copy: `runc checkpoint --lazy-pages`
// then freezes the container and dumps everything but its memory; the small
// image set goes to the destination, whose `criu lazy-pages` pulls pages
// through our PageRelay while the container already runs there.
// Stop-and-copy: a full dump, shipped whole.
//
// Nothing is lost: until the destination says the container runs, every
// failure brings the container back here (post-copy: the relay makes CRIU
// fail the lazy transfer, which resumes the frozen tasks; stop-and-copy: the
// dump is restored here). From that moment on the source copy is ended, so
// the container never runs in two places.
#include "agent/agent.h"
#include "agent/container_net.h"
#include "migrate/child.h"
#include "migrate/container_network.h"
#include "migrate/criu_stats.h"
#include "migrate/file_set.h"
#include "migrate/migrate_ops.h"
#include "migrate/migration.h"
#include "migrate/page_relay.h"
#include "migrate/priority.h"
#include "support/error.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <poll.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace xisa::migrate {

namespace {

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// When a migration's steps happened, in wall-clock seconds. The downtime
// runs from the freeze (the source CRIU's log) to the moment the restored
// tasks resumed (the destination CRIU's log, in the destination's reply);
// phases that span both hosts assume their clocks agree (one machine in the
// tests and benchmarks; NTP between real hosts).
struct Timeline {
  double started_at = wall_now(), dump_started_at = 0, dumped_at = 0, running_seen_at = 0,
         done_at = 0;

  // The report's times in ms; null where a log lacked the mark.
  json report(const std::string &work_dir, const json &dest_reply) const {
    auto at = [&](const char *key) -> std::optional<double> {
      const json &v = dest_reply.value(key, json());
      return v.is_number() ? std::optional<double>(v.get<double>()) : std::nullopt;
    };
    auto ms = [](std::optional<double> from, std::optional<double> to) {
      return from && to ? json((*to - *from) * 1e3) : json();
    };
    std::string dump_log = work_dir + "/dump.log";
    std::optional<double> freezing = criu_log_wall_time(dump_log, kFreezeStartLine),
                          frozen = criu_log_wall_time(dump_log, kFrozenLine),
                          received = at("images_received_at"), started = at("restore_started_at"),
                          resumed = at("resumed_at");
    return {{"downtime_ms", ms(freezing, resumed)},
            {"phases_ms",
             {{"freeze", ms(freezing, frozen)},
              {"dump", ms(frozen, dumped_at)},
              {"transfer", ms(dumped_at, received)},
              {"restore_start", ms(received, started)},
              {"restore", ms(started, resumed)}}},
            {"prepare_ms", ms(started_at, dump_started_at)},
            {"before_freeze_ms", ms(dump_started_at, freezing)},
            {"running_seen_ms", ms(freezing, running_seen_at)},
            // Post-copy: while it lasts, losing the source loses the
            // container (docs/container-migration.md).
            {"postcopy_window_ms", ms(resumed, at("all_pages_at"))},
            {"total_ms", ms(started_at, done_at)},
            {"image_bytes", dest_reply.value("image_bytes", uint64_t{0})},
            {"criu_restore_ms", dest_reply.value("criu_restore_ms", 0.0)}};
  }
};

// How long CRIU may take to freeze and dump before we give up on it.
constexpr int kDumpTimeoutMs = 120'000;
// The destination must say something (progress included) this often.
constexpr unsigned kDestinationTimeoutS = 60;

[[noreturn]] void refuse_precopy() {
  if (run_quietly({criu_path(), "check", "--feature", "mem_dirty_track"}) != 0)
    fail("pre-copy needs the kernel to track which pages change (soft-dirty), and `criu check "
         "--feature mem_dirty_track` says this host has none; use --mode postcopy (the default) "
         "or --mode stopcopy");
  fail("pre-copy (iterative pre-dumps) is not implemented; use --mode postcopy (the default) or "
       "--mode stopcopy");
}

std::string committed_marker(const std::string &migration_dir) {
  return migration_dir + "/committed";
}

uint16_t free_loopback_port() {
  proto::Listener probe(proto::Endpoint{"127.0.0.1", 0});
  return probe.port();
}

// One container leaving this agent.
struct Outgoing {
  agent::Agent &agent;
  proto::Connection &client;
  agent::ContainerRecord record;
  Mode mode;
  proto::Endpoint to;
  std::string slice;
  std::string dir; // <state_dir>/migrations/<name>: images, work, bundle config
  ContainerNetwork network;

  std::string images() const { return dir + "/images"; }
  std::string work() const { return dir + "/work"; }

  std::vector<std::string> runc(std::vector<std::string> args) const {
    return runc_argv(agent, std::move(args));
  }

  void progress(json fields) const { proto::send_progress(client, std::move(fields)); }

  std::string runc_status() const {
    for (const agent::RuncContainer &c : agent.runc.list())
      if (c.id == record.name)
        return c.status;
    return "gone";
  }

  // The user bundle as it travels: its config.json with the rootfs at
  // "rootfs", and the rootfs tree.
  FileSet bundle_files() const {
    std::ifstream in(record.user_bundle + "/config.json");
    json config = json::parse(in, nullptr, false);
    if (config.is_discarded() || !config.contains("root"))
      fail("bundle '{}' of container '{}' has no readable config.json", record.user_bundle,
           record.name);
    fs::path rootfs = config["root"].value("path", "rootfs");
    if (rootfs.is_relative())
      rootfs = fs::path(record.user_bundle) / rootfs;
    config["root"]["path"] = "rootfs";
    fs::create_directories(dir + "/bundle");
    std::ofstream(dir + "/bundle/config.json") << config.dump(2);
    FileSet files;
    add_tree(files, dir + "/bundle", "bundle");
    add_tree(files, rootfs.string(), "bundle/rootfs");
    return files;
  }

  // The container as the destination needs to know it to place it.
  json describe(const char *op) const {
    return {{"op", op},
            {"name", record.name},
            {"slice", slice},
            {"mode", mode_name(mode)},
            {"isa", xisa::name(agent.config.isa)},
            {"memory", record.memory},
            {"network", network.to_json()}};
  }

  // Asks the destination whether it can take the container, before the
  // container is stopped for anything.
  void preflight() const {
    try {
      proto::call(to, agent.token, describe("migrate_check"));
    } catch (const Error &e) {
      fail("migration of '{}' to {} refused, and the container still runs on agent {}: {}",
           record.name, to.text(), agent.config.name, e.what());
    }
  }

  // Sends migrate_in with the bundle and waits until the destination has
  // placed the container and started its restore, held back until the
  // images come. The container still runs here meanwhile.
  proto::Connection open_destination(const std::string &page_server) const {
    FileSet files = bundle_files();
    progress({{"phase", "prepare"}, {"bytes", files.total_bytes}, {"to", to.text()}});
    try {
      proto::Connection dest = proto::connect_to(to);
      dest.set_read_timeout(kDestinationTimeoutS);
      json request = describe("migrate_in");
      request["token"] = agent.token;
      request["page_server"] = page_server;
      send_file_set(dest, request, files);
      for (;;) {
        json event = dest.read_message();
        if (event.contains("ok")) // an answer before "ready" is a refusal
          fail("{}", event.value("error", event.dump()));
        forward(event);
        if (event.value("phase", "") == "ready")
          return dest;
      }
    } catch (const Error &e) {
      fail("migration of '{}' to {} failed before the container stopped, and it still runs on "
           "agent {}: {}",
           record.name, to.text(), agent.config.name, e.what());
    }
  }

  void forward(const json &event) const {
    json forwarded = event;
    forwarded["from"] = "destination";
    forwarded.erase("event");
    progress(forwarded);
  }

  // Ships the image set to the prepared destination and follows it;
  // on_running is called the moment the container runs there. Returns the
  // destination's final reply with its timestamps and the bytes sent.
  json hand_over(proto::Connection &dest, const std::function<void()> &on_running) const {
    FileSet files;
    add_tree(files, images(), "images");
    progress({{"phase", "transfer"}, {"bytes", files.total_bytes}, {"to", to.text()}});
    send_file_set(dest, {{"images", true}}, files);
    json running;
    proto::Reply reply = proto::wait_reply(dest, [&](const json &event) {
      if (event.value("phase", "") == "running") {
        running = event;
        on_running();
      }
      forward(event);
    });
    for (const auto &[key, value] : running.items())
      if (key.ends_with("_at"))
        reply.body[key] = value;
    reply.body["image_bytes"] = files.total_bytes;
    return reply.body;
  }

  // The container now runs elsewhere: drop what is left of it here.
  void forget() const {
    std::lock_guard lock(agent.mutex);
    if (runc_status() != "gone")
      run_quietly(runc({"delete", "--force", record.name}));
    agent::remove_container_net(record.net);
    agent.store.erase(record.name);
    agent.containers.erase(record.name);
    fs::remove_all(migrated_bundle_dir(agent, record.name));
  }

  // A failure before the destination ran: say where the container is.
  [[noreturn]] void fail_kept(const std::string &why) const {
    std::string status = runc_status();
    if (status == "running")
      fail("migration of '{}' to {} failed, and the container still runs on agent {}: {}",
           record.name, to.text(), agent.config.name, why);
    fail("migration of '{}' to {} failed: {}; the container is {} on agent {} (images kept in {})",
         record.name, to.text(), why, status, agent.config.name, dir);
  }

  json postcopy();
  json stopcopy();
};

json Outgoing::postcopy() {
  PageRelay relay(agent.config.listen.host, injected_fault() == "slow-pages" ? 8u << 20 : 0);
  uint16_t criu_port = free_loopback_port();
  Timeline times;
  proto::Connection dest =
      open_destination(agent.config.listen.host + ":" + std::to_string(relay.port()));
  StatusPipe status;
  progress({{"phase", "dump"}});
  times.dump_started_at = wall_now();
  Child dump(runc({"checkpoint", "--lazy-pages", "--page-server",
                   "127.0.0.1:" + std::to_string(criu_port), "--status-fd", "3",
                   "--tcp-established", "--image-path", images(), "--work-path", work(),
                   record.name}),
             criu_child(work() + "/runc.out", status.write_end()));
  {
    // CRIU's parasite code dumps from inside the container's tasks.
    CgroupCpuBoost boost(agent.cgroups, record.cgroups_path);
    // CRIU's "\0" on the status pipe: the dump is done and the page server
    // listens.
    if (!status.wait(dump, kDumpTimeoutMs))
      fail_kept("CRIU's dump failed: " + log_tail(work() + "/dump.log"));
  }
  times.dumped_at = wall_now();
  relay.start({"127.0.0.1", criu_port});

  bool running = false;
  json dest_reply;
  try {
    set_host_link(network.host_veth, false);
    dest_reply = hand_over(dest, [&] {
      relay.commit();
      // If this agent dies before the source copy is gone, CRIU may resume
      // it; the next start of the agent ends it (end_committed_migrations).
      std::ofstream(committed_marker(dir));
      running = true;
      times.running_seen_at = wall_now();
    });
  } catch (const Error &e) {
    if (running) {
      // Committed: the destination ran it; CRIU ends the source copy.
      dump.wait();
      forget();
      fail("container '{}' started on {} but the destination failed during post-copy: {}; "
           "see docs/container-migration.md (source lost during post-copy)",
           record.name, to.text(), e.what());
    }
    relay.abort();
    dump.wait();
    relay.join();
    set_host_link(network.host_veth, true);
    fail_kept(e.what());
  }
  int dump_code = dump.wait();
  relay.join();
  if (dump_code != 0) {
    // CRIU resumed the source copy after a failed transfer: end it, the
    // destination copy is the one that runs.
    std::lock_guard lock(agent.mutex);
    run_quietly(runc({"kill", record.name, "KILL"}));
  }
  times.done_at = wall_now();
  forget();

  json report = times.report(work(), dest_reply);
  report["page_bytes"] = relay.bytes_to_destination() + relay.bytes_from_destination();
  report["pages_faulted"] = dest_reply.value("pages_faulted", uint64_t{0});
  report["pages_pushed"] = dest_reply.value("pages_pushed", uint64_t{0});
  return report;
}

json Outgoing::stopcopy() {
  Timeline times;
  proto::Connection dest = open_destination("");
  progress({{"phase", "dump"}});
  times.dump_started_at = wall_now();
  Child dump(runc({"checkpoint", "--tcp-established", "--image-path", images(), "--work-path",
                   work(), record.name}),
             criu_child(work() + "/runc.out"));
  {
    CgroupCpuBoost boost(agent.cgroups, record.cgroups_path); // as in postcopy()
    if (dump.wait() != 0)
      fail_kept("CRIU's dump failed: " + log_tail(work() + "/dump.log"));
  }
  times.dumped_at = wall_now();

  bool running = false;
  json dest_reply;
  try {
    set_host_link(network.host_veth, false);
    dest_reply = hand_over(dest, [&] {
      running = true;
      times.running_seen_at = wall_now();
    });
  } catch (const Error &e) {
    if (running) {
      forget();
      fail("container '{}' started on {} but the destination failed afterwards: {}", record.name,
           to.text(), e.what());
    }
    // The dump stopped the container: bring it back from the same images.
    Child restore(runc({"restore", "--detach", "--tcp-established", "--image-path", images(),
                        "--work-path", work(), "--bundle", record.agent_bundle, record.name}),
                  restore_child());
    if (restore.wait() != 0)
      fail_kept(std::string(e.what()) + "; restoring it here failed too: " +
                log_tail(work() + "/restore.log"));
    set_host_link(network.host_veth, true);
    fail_kept(e.what());
  }
  times.done_at = wall_now();
  forget();
  json report = times.report(work(), dest_reply);
  report["page_bytes"] = 0;
  report["pages_faulted"] = 0;
  report["pages_pushed"] = 0;
  return report;
}

} // namespace

} // namespace xisa::migrate

namespace xisa::agent {

void end_committed_migrations(Agent &agent) {
  std::string migrations = agent.config.state_dir + "/migrations";
  std::error_code ec;
  for (const fs::directory_entry &entry : fs::directory_iterator(migrations, ec)) {
    if (!fs::exists(migrate::committed_marker(entry.path().string())))
      continue;
    std::string name = entry.path().filename().string();
    std::lock_guard lock(agent.mutex);
    if (auto it = agent.containers.find(name); it != agent.containers.end()) {
      spdlog::warn("container {} had moved away when this agent stopped: ending its source copy",
                   name);
      try {
        agent.forget_container(it->second);
      } catch (const Error &e) {
        spdlog::error("could not end the source copy of {}: {}", name, e.what());
        continue; // the marker stays: the next start tries again
      }
    }
    fs::remove_all(entry.path());
  }
}

} // namespace xisa::agent

namespace xisa::migrate {

void op_migrate_out(agent::Agent &agent, proto::Connection &conn, const json &request) {
  std::string name = request.value("name", "");
  if (name.empty())
    fail("migrate_out request has no \"name\"");
  if (!request.contains("to") || !request["to"].is_string())
    fail("migrate_out request has no \"to\" (HOST:PORT of the destination agent)");
  Mode mode = parse_mode(request.value("mode", "postcopy"));
  if (mode == Mode::PreCopy)
    refuse_precopy();

  agent::ContainerRecord record;
  {
    std::lock_guard lock(agent.mutex);
    auto it = agent.containers.find(name);
    if (it == agent.containers.end())
      fail("no container '{}' on agent {}", name, agent.config.name);
    record = it->second;
  }
  Outgoing out{agent, conn, record, mode, proto::parse_endpoint(request["to"].get<std::string>()),
               request.value("slice", ""), agent.config.state_dir + "/migrations/" + name, {}};
  if (std::string status = out.runc_status(); status != "running")
    fail("container '{}' is {}, not running; only a running container migrates", name, status);
  fs::remove_all(out.dir);
  fs::create_directories(out.images());
  fs::create_directories(out.work());
  out.network = read_network(record.net.netns_path());
  out.preflight();
  out.progress({{"phase", "start"}, {"mode", mode_name(mode)}, {"to", out.to.text()}});
  spdlog::info("migrating {} to {} ({})", name, out.to.text(), mode_name(mode));

  json report = mode == Mode::PostCopy ? out.postcopy() : out.stopcopy();
  report["mode"] = mode_name(mode);
  report["name"] = name;
  report["from"] = agent.config.name;
  report["to"] = out.to.text();
  spdlog::info("migrated {} to {}: {}", name, out.to.text(), report.dump());
  keep_criu_logs(out.work(), name, "source");
  fs::remove_all(out.dir);
  proto::send_ok(conn, {{"report", report}});
}

} // namespace xisa::migrate
