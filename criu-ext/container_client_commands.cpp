// `xisa container run|list|stop|usage`: clients of an agent.
#include "container_commands.h"
#include "agent/units.h"

#include <filesystem>
#include <fmt/core.h>

using nlohmann::json;

namespace xisa::cli {

namespace {

void print_progress(const json &event) {
  std::string line;
  for (const auto &[key, value] : event.items())
    if (key != "event")
      line += fmt::format(" {}={}", key, value.is_string() ? value.get<std::string>()
                                                           : value.dump());
  fmt::print(stderr, "...{}\n", line);
}

std::string mib(const json &bytes) {
  return fmt::format("{:.1f}M", static_cast<double>(bytes.get<uint64_t>()) / (1 << 20));
}

void print_containers(const json &containers) {
  fmt::print("{:<20} {:<12} {:<8} {:>7} {:>8} {:>8} {:>9}\n", "NAME", "SLICE", "STATUS", "PID",
             "MEM", "LIMIT", "CPU-SEC");
  for (const json &c : containers) {
    const json &u = c["usage"];
    fmt::print("{:<20} {:<12} {:<8} {:>7} {:>8} {:>8} {:>9.2f}\n", c["name"].get<std::string>(),
               c["slice"].get<std::string>(), c["status"].get<std::string>(),
               c["pid"].get<int>(), mib(u["memory_bytes"]), mib(c["memory_limit"]),
               u["cpu_seconds"].get<double>());
  }
}

// Containers the agent lost in a migration (agent/state_store.h).
void print_lost(const json &lost) {
  for (const json &l : lost)
    fmt::print("LOST {} at {}: {} (`xisa container stop {}` clears this)\n",
               l.value("name", "?"), l.value("lost_at", "?"), l.value("error", "?"),
               l.value("name", "?"));
}

proto::Reply request(const AgentClientOptions &opts, json body) {
  return proto::call(opts.endpoint(), opts.token(), std::move(body), {},
                     opts.json ? proto::ProgressFn{} : print_progress);
}

} // namespace

void add_container_client_commands(CLI::App &container) {
  static AgentClientOptions opts;
  static std::string name, bundle, slice, memory;
  static double grace = 10;

  CLI::App *run = container.add_subcommand("run", "start a container from an OCI bundle");
  opts.add_to(*run);
  run->add_option("--name", name, "container name")->required();
  run->add_option("--bundle", bundle, "OCI bundle directory on the agent's host")->required();
  run->add_option("--slice", slice, "slice to run in (default: the first with room)");
  run->add_option("--memory", memory, "memory limit, e.g. 64M (default: the slice's share)");
  run->callback([] {
    json body = {{"op", "run"},
                 {"name", name},
                 {"bundle", std::filesystem::absolute(bundle).lexically_normal().string()}};
    if (!slice.empty())
      body["slice"] = slice;
    if (!memory.empty())
      body["memory"] = agent::parse_bytes(memory);
    json c = request(opts, body).body["container"];
    if (opts.json)
      fmt::print("{}\n", c.dump(2));
    else
      fmt::print("{} running in slice {} (pid {})\n", c["name"].get<std::string>(),
                 c["slice"].get<std::string>(), c["pid"].get<int>());
  });

  CLI::App *list = container.add_subcommand("list", "list an agent's containers with usage");
  opts.add_to(*list);
  list->callback([] {
    json reply = request(opts, {{"op", "list"}}).body;
    if (opts.json)
      fmt::print("{}\n", reply["containers"].dump(2));
    else {
      print_containers(reply["containers"]);
      print_lost(reply.value("lost", json::array()));
    }
  });

  CLI::App *stop = container.add_subcommand("stop", "stop and remove a container");
  opts.add_to(*stop);
  stop->add_option("name", name, "container name")->required();
  stop->add_option("--grace", grace, "seconds to wait after SIGTERM before killing")
      ->check(CLI::Range(0.0, 3600.0));
  stop->callback([] {
    json reply =
        request(opts, {{"op", "stop"}, {"name", name}, {"grace_seconds", grace}}).body;
    if (opts.json)
      fmt::print("{}\n", reply.dump(2));
    else
      fmt::print("{} stopped{}\n", name, reply["graceful"].get<bool>() ? "" : " (killed)");
  });

  CLI::App *usage = container.add_subcommand("usage", "host, slice and container usage");
  opts.add_to(*usage);
  usage->callback([] {
    json reply = request(opts, {{"op", "usage"}}).body;
    if (opts.json) {
      reply.erase("ok");
      fmt::print("{}\n", reply.dump(2));
      return;
    }
    const json &h = reply["host"];
    fmt::print("host {}: {} cpus, {:.1f} cpu-seconds, load {:.2f}, memory {} of {} available\n",
               reply["agent"].get<std::string>(), h["cpus"].get<int>(),
               h["cpu_seconds"].get<double>(), h["load1"].get<double>(),
               mib(h["memory_available"]), mib(h["memory_total"]));
    for (const json &s : reply["slices"])
      fmt::print("slice {}: cpus {}, {}/{} containers, memory {} of {} reserved\n",
                 s["name"].get<std::string>(), s["cpus"].get<std::string>(),
                 s["containers"].get<unsigned>(), s["max_containers"].get<unsigned>(),
                 mib(s["memory_reserved"]), mib(s["memory"]));
    print_containers(reply["containers"]);
  });
}

} // namespace xisa::cli
