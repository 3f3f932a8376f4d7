// `xisa run`: the supervisor that stays in the foreground while its program
// runs, moves the program when asked on its control socket, and exits with
// the program's exit status.
#pragma once
#include "process/child.h"
#include "process/launcher.h"
#include "process/points.h"

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace xisa::process {

// Rewrites a stream for another ISA (the transformer); empty when this
// build of xisa has none.
using TransformStream = std::function<WireStream(const WireStream &, Isa to, const Executables &)>;
// The id of the stackmap record at `point` of the executable (a thread's
// `site` in the stream is its record's point, wire.h); throws xisa::Error.
using CallSiteId = std::function<uint64_t(const std::filesystem::path &exe, uint64_t point)>;

struct SupervisorOptions {
  Executables exes;
  std::optional<std::filesystem::path> pidfile{};
  bool announce = true; // print the handle on stderr
  TransformStream transform;
  // Names the call site a move parked at in replies and hop reports; when
  // empty they give its point.
  CallSiteId call_site_id;
  // --hop / --count-points: the program's processes count their points.
  std::optional<PointCounter> points{};
  bool json = false; // report hops and the count as JSON lines on stderr
};

class Supervisor {
public:
  // Supervises an already started child (a fresh run or a restore).
  Supervisor(SupervisorOptions options, Child child);
  // Serves requests until the program exits; returns its exit status.
  int run();

private:
  using Progress = std::function<void(const nlohmann::json &)>;
  // The call site a thread of `isa` parked at `point` (its record's point):
  // the record's id, the same on every ISA, else the point.
  std::string call_site_name(Isa isa, uint64_t point) const;
  void serve(int client);
  nlohmann::json handle(const nlohmann::json &request, const Progress &progress);
  nlohmann::json migrate(const nlohmann::json &request, const Progress &progress);
  // Moves the parked child to `to` (its stream already read); the shared
  // end of `xisa migrate` and of a hop. On failure the child goes on where
  // it was and xisa::Error says why.
  nlohmann::json move_parked(const Parked &parked, Isa to, std::chrono::steady_clock::time_point start,
                             std::chrono::milliseconds restore_timeout, const Progress &progress);
  // The program parked at the next hop of its schedule.
  void hop();
  void report_exit(int status);
  // An event line on stderr: JSON with --json, else "xisa: text".
  void report(const nlohmann::json &event, const std::string &text) const;
  nlohmann::json checkpoint(const nlohmann::json &request, const Progress &progress);
  // The program parked by itself (xisa_request_migration) with no request
  // pending: there is nowhere to go, so it goes on.
  void drain_unrequested_stream();

  SupervisorOptions options_;
  Child child_;
  unsigned migrations_ = 0;
  size_t hops_done_ = 0; // hops of options_.points the program reached
};

// Rewrites `stream` for `to` with options.transform, or fails saying why not.
WireStream stream_for_isa(const WireStream &stream, Isa to, const Executables &exes,
                          const TransformStream &transform);

} // namespace xisa::process
