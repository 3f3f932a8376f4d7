// `xisa container migrate NAME --from HOST:PORT --to HOST:PORT[/SLICE]`:
// asks the source agent to move a container (migration.h) and prints its
// progress and the final report.
#include "container_commands.h"
#include "migrate/migration.h"
#include "support/error.h"

#include <fmt/core.h>

using nlohmann::json;

namespace xisa::cli {

namespace {

struct MigrateOptions {
  std::string name, from, to, token_file, mode = "postcopy";
  bool json = false;
};

void print_progress(const json &event) {
  std::string where = event.value("from", "source");
  std::string phase = event.value("phase", "?");
  std::string detail;
  for (const auto &[key, value] : event.items())
    if (key != "event" && key != "from" && key != "phase")
      detail += fmt::format(" {}={}", key, value.is_string() ? value.get<std::string>() : value.dump());
  fmt::print(stderr, "... {}: {}{}\n", where, phase, detail);
}

// A time in ms, or "?" where a CRIU log lacked the mark it is measured from.
std::string ms(const json &value) {
  return value.is_number() ? fmt::format("{:9.1f} ms", value.get<double>()) : "        ? ms";
}

void print_report(const json &r) {
  auto number = [&](const char *key) { return r.value(key, 0.0); };
  const json &phases = r.value("phases_ms", json::object());
  auto phase = [&](const char *key) { return ms(phases.value(key, json())); };
  fmt::print("migrated {} from {} to {} ({})\n", r.value("name", "?"), r.value("from", "?"),
             r.value("to", "?"), r.value("mode", "?"));
  fmt::print("  downtime     {}  (frozen on the source until its tasks ran on the destination)\n",
             ms(r.value("downtime_ms", json())));
  fmt::print("    freeze     {}\n", phase("freeze"));
  fmt::print("    dump       {}  (from frozen: task state, lazy memory left out)\n",
             phase("dump"));
  fmt::print("    transfer   {}  (images to the destination)\n", phase("transfer"));
  fmt::print("    start      {}  (network up, lazy-pages daemon ready)\n",
             phase("restore_start"));
  fmt::print("    restore    {}  (CRIU restores the tasks)\n", phase("restore"));
  fmt::print("  prepare      {}  (before the freeze: bundle sent, destination ready)\n",
             ms(r.value("prepare_ms", json())));
  fmt::print("  pre-freeze   {}  (runc and CRIU start-up on the source, container running)\n",
             ms(r.value("before_freeze_ms", json())));
  fmt::print("  total        {}  (until every page arrived and the source was gone)\n",
             ms(r.value("total_ms", json())));
  if (r.value("mode", "") == "postcopy")
    fmt::print("  window       {}  (resumed until the last page: the source must live)\n",
               ms(r.value("postcopy_window_ms", json())));
  fmt::print("  on the wire  {:9.0f} KiB images + {:.0f} KiB pages\n",
             number("image_bytes") / 1024, number("page_bytes") / 1024);
  fmt::print("  pages        {:9.0f} faulted, {:.0f} pushed\n", number("pages_faulted"),
             number("pages_pushed"));
}

} // namespace

void add_container_migrate_command(CLI::App &container) {
  static MigrateOptions opts;
  CLI::App *cmd = container.add_subcommand(
      "migrate", "move a running container to another agent (post-copy by default)");
  cmd->add_option("name", opts.name, "container name")->required();
  cmd->add_option("--from", opts.from, "source agent HOST:PORT")->required();
  cmd->add_option("--to", opts.to, "destination agent HOST:PORT, optionally /SLICE")->required();
  cmd->add_option("--token-file", opts.token_file, "file holding the agents' token")->required();
  cmd->add_option("--mode", opts.mode, "postcopy (default), stopcopy or precopy");
  cmd->add_flag("--json", opts.json, "print the report as JSON");
  cmd->callback([] {
    migrate::parse_mode(opts.mode); // a typo fails here, before any agent is asked
    std::string to = opts.to, slice;
    if (auto slash = to.find('/'); slash != std::string::npos) {
      slice = to.substr(slash + 1);
      to.resize(slash);
    }
    proto::parse_endpoint(to);
    json request = {{"op", "migrate_out"}, {"name", opts.name}, {"to", to},
                    {"slice", slice},      {"mode", opts.mode}};
    proto::Reply reply = proto::call(proto::parse_endpoint(opts.from),
                                     proto::read_token_file(opts.token_file), request, {},
                                     print_progress);
    const json &report = reply.body["report"];
    if (opts.json)
      fmt::print("{}\n", report.dump(2));
    else
      print_report(report);
  });
}

} // namespace xisa::cli
