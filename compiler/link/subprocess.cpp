#include "link/subprocess.h"

#include "support/error.h"

#include <cerrno>
#include <cstdio>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

namespace xisa::link {

std::string command_text(const Command &command) {
  std::string out;
  for (const std::string &arg : command) {
    if (!out.empty())
      out += ' ';
    bool plain = !arg.empty() && arg.find_first_of(" \t\n\"'\\$`*?[]()<>|&;#~") == std::string::npos;
    if (plain) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg)
      out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

static pid_t spawn(const Command &command) {
  std::vector<char *> argv;
  for (const std::string &arg : command)
    argv.push_back(const_cast<char *>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  int err = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (err != 0)
    fail("cannot run {}: {} (run scripts/setup.sh to install the toolchain)", command[0],
         errno_text(err));
  return pid;
}

static int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return 127;
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

std::vector<int> run_parallel(const std::vector<Command> &commands, bool verbose) {
  std::vector<pid_t> pids;
  std::vector<int> codes(commands.size(), 127);
  try {
    for (const Command &command : commands) {
      if (verbose)
        std::fprintf(stderr, " %s\n", command_text(command).c_str());
      pids.push_back(spawn(command));
    }
  } catch (...) {
    for (pid_t pid : pids)
      wait_for(pid);
    throw;
  }
  for (size_t i = 0; i < pids.size(); ++i)
    codes[i] = wait_for(pids[i]);
  return codes;
}

void run_checked(const Command &command, bool verbose) {
  int code = run_parallel({command}, verbose)[0];
  if (code != 0)
    fail("{} failed (exit {}): {}", command[0], code, command_text(command));
}

} // namespace xisa::link
