// `xisa run`, `xisa migrate`, `xisa checkpoint`, `xisa restore`.
#include "cli/commands.h"
#include "images/image_set.h"
#include "process/checkpoint_images.h"
#include "process/control.h"
#include "process/supervisor.h"
#include "support/error.h"
#include "transform/image_transform.h"
#include "transform/transform_command.h"
#if XISA_TRANSFORM_COMMAND
#include "transform/transform_command.h"
#endif

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <vector>
#include <nlohmann/json.hpp>

namespace xisa::cli {

namespace {

using process::Executables;

// The executables' metadata as the transformer reads it, once per
// executable for the life of this xisa process (a supervisor may move its
// program many times, and a function traced for one move stays traced).
const transform::Program &program(const std::filesystem::path &exe) {
  static std::map<std::filesystem::path, transform::Program> loaded;
  auto it = loaded.find(exe);
  if (it == loaded.end())
    it = loaded.emplace(exe, transform::load_program(exe.string())).first;
  return it->second;
}

// Cross-ISA: the stream becomes CRIU images, the transformer rewrites them
// for the destination build, and they become a stream again.
process::WireStream transform_stream(const process::WireStream &stream, Isa to, const Executables &exes) {
  const std::filesystem::path &src = exes.for_isa(stream.isa());
  const std::filesystem::path &dst = exes.for_isa(to);
  images::ImageSet set = process::images_from_wire(stream, src);
  transform::transform_image_set(set, program(src), program(dst));
  return process::wire_from_images(set, dst);
}

// Hop reports and replies name a call site by its record's id, which the
// executable's metadata holds (the runtime reports the record's point).
uint64_t call_site_id(const std::filesystem::path &exe, uint64_t point) {
  for (const meta::CallSite &site : program(exe).meta().call_sites)
    if (site.record_address == point)
      return site.id;
  fail("{}: no stackmap record at {:#x}", exe.string(), point);
}

// Exits the xisa process with the program's status once it ends.
[[noreturn]] void supervise(process::SupervisorOptions options, process::Child child) {
  int status = process::Supervisor(std::move(options), std::move(child)).run();
  std::fflush(stdout);
  std::exit(status);
}

Isa isa_option(const std::string &text) {
  auto isa = parse_isa(text);
  if (!isa)
    fail("unknown ISA '{}' (known: {})", text, isa_names());
  return *isa;
}

// Sends a request, shows progress on stderr, prints the result: the JSON
// reply with --json, else `describe(reply)`.
void request(const std::string &handle, const nlohmann::json &req, bool json,
             const std::function<std::string(const nlohmann::json &)> &describe) {
  pid_t pid = process::parse_handle(handle);
  nlohmann::json reply = process::control_request(pid, req, [json](const nlohmann::json &p) {
    if (!json)
      std::fprintf(stderr, "xisa: %s\n", p.value("stage", "").c_str());
  });
  if (json)
    std::printf("%s\n", reply.dump().c_str());
  if (!reply.value("ok", false))
    fail("{}", reply.value("error", "the supervisor reported a failure"));
  if (!json)
    std::printf("%s\n", describe(reply).c_str());
}

struct RunArgs {
  std::string isa;
  std::string pidfile;
  std::string program;
  std::vector<std::string> hops;
  bool count_points = false;
  bool json = false;
  bool quiet = false;
};

// --hop and --count-points: the processes count their migration points.
std::optional<process::PointCounter> point_counter(const RunArgs &args, const Executables &exes) {
  if (args.hops.empty() && !args.count_points)
    return std::nullopt;
  std::vector<process::Hop> hops;
  for (const std::string &text : args.hops) {
    hops.push_back(process::parse_hop(text));
    exes.for_isa(hops.back().to); // a missing build fails now, not at the hop
  }
  return process::PointCounter(std::move(hops));
}

void add_run(CLI::App &app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App *run = app.add_subcommand("run", "Run a program built with xisa-cc under a supervisor; "
                                            "its pid is the handle for migrate and checkpoint");
  run->add_option("--isa", args->isa, "ISA to start on (default: this machine's)");
  run->add_option("--pidfile", args->pidfile, "write the handle to this file");
  run->add_flag("--quiet", args->quiet, "do not print the handle on stderr");
  run->add_option("--hop", args->hops,
                  "N:ISA: migrate to ISA when the main thread has passed N migration points "
                  "(repeatable, increasing N)")
      ->allow_extra_args(false);
  run->add_flag("--count-points", args->count_points,
                "at exit, print how many migration points the main thread passed");
  run->add_flag("--json", args->json, "print hops and the point count as JSON lines on stderr");
  run->add_option("program", args->program, "the program (prog or prog.<isa>)")->required();
  run->prefix_command();
  run->callback([run, args] {
    Executables exes = process::find_executables(args->program);
    Isa isa = args->isa.empty() ? (exes.by_isa.count(host_isa()) ? host_isa() : exes.by_isa.begin()->first)
                                : isa_option(args->isa);
    process::SupervisorOptions options{.exes = exes,
                                       .announce = !args->quiet,
                                       .transform = transform_stream,
                                       .call_site_id = call_site_id,
                                       .points = point_counter(*args, exes),
                                       .json = args->json};
    if (!args->pidfile.empty())
      options.pidfile = args->pidfile;
    process::RuntimeEnv env = options.points ? options.points->first_env() : process::RuntimeEnv{};
    supervise(std::move(options), process::start_program(exes, isa, run->remaining(), env));
  });
}

void add_migrate(CLI::App &app) {
  struct Args {
    std::string handle, to;
    int timeout_ms = 10000;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App *cmd = app.add_subcommand("migrate", "Move a running program to another ISA");
  cmd->add_option("handle", args->handle, "the handle `xisa run` gave")->required();
  cmd->add_option("--to", args->to, "target ISA: " + isa_names())->required();
  cmd->add_option("--timeout", args->timeout_ms, "ms to wait for the program to park");
  cmd->add_flag("--json", args->json, "print the result as JSON");
  cmd->callback([args] {
    isa_option(args->to);
    request(args->handle, {{"op", "migrate"}, {"to", args->to}, {"timeout_ms", args->timeout_ms}}, args->json,
            [](const nlohmann::json &r) {
              return fmt::format("migrated {} -> {} in {:.1f} ms (parked after {:.1f} ms at call site {}, {} "
                                 "bytes), pid {}",
                                 r.value("from", ""), r.value("to", ""), r.value("total_ms", 0.0),
                                 r.value("park_ms", 0.0), r.value("site", ""), r.value("stream_bytes", 0),
                                 r.value("pid", 0));
            });
  });
}

void add_checkpoint(CLI::App &app) {
  struct Args {
    std::string handle, dir;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App *cmd = app.add_subcommand("checkpoint", "Write a running program's CRIU images; it goes on running");
  cmd->add_option("handle", args->handle, "the handle `xisa run` gave")->required();
  cmd->add_option("--dir", args->dir, "directory for the images")->required();
  cmd->add_flag("--json", args->json, "print the result as JSON");
  cmd->callback([args] {
    std::string dir = std::filesystem::absolute(args->dir).string();
    request(args->handle, {{"op", "checkpoint"}, {"dir", dir}}, args->json, [](const nlohmann::json &r) {
      return fmt::format("checkpoint written to {} in {:.1f} ms", r.value("dir", ""), r.value("total_ms", 0.0));
    });
  });
}

void add_restore(CLI::App &app) {
  struct Args {
    std::string dir, isa, pidfile;
    bool quiet = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App *cmd = app.add_subcommand("restore", "Start a program from a checkpoint, supervised like `xisa run`");
  cmd->add_option("dir", args->dir, "the checkpoint directory")->required();
  cmd->add_option("--isa", args->isa, "ISA to restore on (default: the checkpoint's)");
  cmd->add_option("--pidfile", args->pidfile, "write the handle to this file");
  cmd->add_flag("--quiet", args->quiet, "do not print the handle on stderr");
  cmd->callback([args] {
    images::ImageSet set = images::read_image_set(args->dir);
    std::filesystem::path exe = process::checkpoint_executable(set);
    Executables exes = process::find_executables(exe);
    process::WireStream stream = process::wire_from_images(set, exe);
    Isa isa = args->isa.empty() ? stream.isa() : isa_option(args->isa);
    process::SupervisorOptions options{
        .exes = exes, .announce = !args->quiet, .transform = transform_stream, .call_site_id = call_site_id};
    if (!args->pidfile.empty())
      options.pidfile = args->pidfile;
    stream = process::stream_for_isa(stream, isa, exes, options.transform);
    supervise(std::move(options), process::start_restored(exes, stream, std::chrono::seconds(30)));
  });
}

} // namespace

void add_process_commands(CLI::App &app) {
  add_run(app);
  add_migrate(app);
  add_checkpoint(app);
  add_restore(app);
#if XISA_TRANSFORM_COMMAND
  add_transform_command(app);
#endif
}

} // namespace xisa::cli
