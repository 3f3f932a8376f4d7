// Running the real tools (clang-19, ld.lld-19, llvm-objcopy-19) as child
// processes, one at a time or several in parallel.
#pragma once
#include <string>
#include <vector>

namespace xisa::link {

using Command = std::vector<std::string>;

// " "-joined, shell-quoted where needed: for -v output and error messages.
std::string command_text(const Command &command);

// Starts every command at once, waits for all, and returns their exit codes
// (128 + signal for a killed child). stdin/stdout/stderr are inherited.
std::vector<int> run_parallel(const std::vector<Command> &commands, bool verbose);

// Runs one command; throws xisa::Error naming the tool when it fails.
void run_checked(const Command &command, bool verbose);

} // namespace xisa::link
