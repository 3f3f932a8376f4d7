// A supervised program process and the three things done to it: park it and
// take its stream, start a process restored from a stream, and tell a
// parked process to go on or to end.
#pragma once
#include "process/fd_io.h"
#include "process/launcher.h"
#include "process/wire_stream.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <sys/types.h>
#include <vector>

namespace xisa::process {

struct Child {
  pid_t pid = -1;
  Isa isa = Isa::X86_64;
  UniqueFd pidfd; // readable once the process has exited
  UniqueFd ctl;   // the supervisor's end of XISA_CTL_FD
};

// The migration request signal given to every program (XISA_SIGNAL).
inline constexpr const char *kRequestSignalName = "USR2";

// What the supervisor gives every process of one program besides its
// control socket (the point counting of `xisa run --hop`).
struct RuntimeEnv {
  std::vector<std::pair<std::string, std::string>> vars;
  std::vector<int> fds; // kept open in the program
};

Child start_program(const Executables &exes, Isa isa, const std::vector<std::string> &args,
                    const RuntimeEnv &extra = {});

struct Parked {
  std::vector<uint8_t> bytes; // the wire stream
  double parked_ms = 0;       // request sent -> first byte of the stream
};

// Signals the child and reads the stream it sends once parked. On failure
// the child is told to go on (if it can hear) and xisa::Error is thrown.
Parked park(Child &child, std::chrono::milliseconds timeout);

// Tells a parked child to go on here.
void resume(Child &child);
// Tells a parked child that it runs on elsewhere, and reaps it.
void retire(Child &child);

// Starts the build for the stream's ISA, restoring it; returns once the
// restored process runs. Throws (with the new process gone) otherwise.
Child start_restored(const Executables &exes, const WireStream &stream,
                     std::chrono::milliseconds timeout, const RuntimeEnv &extra = {});

// Reaps an exited child and returns its wait status.
int reap(Child &child);

} // namespace xisa::process
