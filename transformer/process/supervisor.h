// `xisa run`: the supervisor that stays in the foreground while its program
// runs, moves the program when asked on its control socket, and exits with
// the program's exit status.
#pragma once
#include "process/child.h"
#include "process/launcher.h"

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

namespace xisa::process {

// Rewrites a stream for another ISA (the transformer); empty when this
// build of xisa has none.
using TransformStream = std::function<WireStream(const WireStream &, Isa to, const Executables &)>;

struct SupervisorOptions {
  Executables exes;
  std::optional<std::filesystem::path> pidfile;
  bool announce = true; // print the handle on stderr
  TransformStream transform;
};

class Supervisor {
public:
  // Supervises an already started child (a fresh run or a restore).
  Supervisor(SupervisorOptions options, Child child);
  // Serves requests until the program exits; returns its exit status.
  int run();

private:
  using Progress = std::function<void(const nlohmann::json &)>;
  void serve(int client);
  nlohmann::json handle(const nlohmann::json &request, const Progress &progress);
  nlohmann::json migrate(const nlohmann::json &request, const Progress &progress);
  nlohmann::json checkpoint(const nlohmann::json &request, const Progress &progress);
  // The program parked by itself (xisa_request_migration) with no request
  // pending: there is nowhere to go, so it goes on.
  void drain_unrequested_stream();

  SupervisorOptions options_;
  Child child_;
  unsigned migrations_ = 0;
};

// Rewrites `stream` for `to` with options.transform, or fails saying why not.
WireStream stream_for_isa(const WireStream &stream, Isa to, const Executables &exes,
                          const TransformStream &transform);

} // namespace xisa::process
