// Running the host tools the agent drives (runc, ip, tc).
#pragma once
#include <string>
#include <vector>

namespace xisa::agent {

struct CommandResult {
  int exit_code = 0; // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs argv (PATH lookup) with stdin from /dev/null. With capture, stdout
// and stderr are collected; without, all three are /dev/null, for commands
// whose children outlive them holding their stdio (runc run -d).
CommandResult run_command(const std::vector<std::string> &argv, bool capture = true);

// Runs argv and returns its stdout; throws xisa::Error with the command and
// its stderr when it exits non-zero.
std::string run_checked(const std::vector<std::string> &argv);

} // namespace xisa::agent
