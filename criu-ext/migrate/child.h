// Child processes migration drives: runc and CRIU run for seconds while the
// agent keeps talking to its peer, so they start in the background and are
// waited for (or killed) explicitly. Output goes to a log file, whose tail
// error messages quote.
#pragma once
#include <string>
#include <vector>

#include <sys/types.h>

namespace xisa::migrate {

struct ChildOptions {
  std::vector<std::string> env; // "NAME=value" added to the agent's own
  std::string log_path;         // stdout (and stderr unless err_path); empty: /dev/null
  std::string err_path;         // stderr, when kept apart from stdout
  int status_fd = -1;           // passed to the child as fd 3 (CRIU's --status-fd 3)
};

// runc or CRIU with CRIU's environment (migration.h), output to log_path.
ChildOptions criu_child(std::string log_path, int status_fd = -1);
// `runc restore`: its stdio becomes the restored container's, which agents
// keep on /dev/null (agent/runc.h); errors are in CRIU's restore.log.
ChildOptions restore_child();

class Child {
public:
  Child(const std::vector<std::string> &argv, const ChildOptions &options = {});
  Child(Child &&other) noexcept;
  Child(const Child &) = delete;
  Child &operator=(const Child &) = delete;
  ~Child(); // kills a child still running: nothing outlives its owner

  pid_t pid() const { return pid_; }
  const std::string &what() const { return what_; }
  // Exit code (128+N for signal N); blocks.
  int wait();
  // Exit code if it has ended, else -1.
  int poll();
  void kill(int signal);

private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string what_; // the command, for messages
};

// CRIU's --status-fd: a pipe whose write end the child gets as fd 3
// (ChildOptions::status_fd) and on which CRIU writes one byte when it is
// ready (a lazy dump's page server, the lazy-pages daemon's socket).
class StatusPipe {
public:
  StatusPipe();
  StatusPipe(const StatusPipe &) = delete;
  StatusPipe &operator=(const StatusPipe &) = delete;
  ~StatusPipe();

  int write_end() const { return write_; }
  // Waits up to timeout_ms for the byte; true if it came. Otherwise the
  // child ended or hung, and is killed.
  bool wait(Child &child, int timeout_ms);

private:
  int read_ = -1, write_ = -1;
};

// Runs argv to completion and returns its stdout; throws xisa::Error quoting
// the command and its stderr when it fails.
std::string run_checked(const std::vector<std::string> &argv);

// Runs argv to completion for cleanup that may find nothing to clean;
// returns its exit code.
int run_quietly(const std::vector<std::string> &argv);

// Last lines of a log file, for error messages.
std::string log_tail(const std::string &path, size_t lines = 6);

} // namespace xisa::migrate
