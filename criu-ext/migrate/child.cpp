#include "migrate/child.h"
#include "migrate/migration.h"
#include "support/error.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace xisa::migrate {

namespace {

int decode_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> merged_env(const std::vector<std::string> &extra) {
  std::vector<std::string> env;
  for (char **e = environ; *e; ++e)
    env.emplace_back(*e);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char *> c_strings(std::vector<std::string> &strings) {
  std::vector<char *> out;
  for (std::string &s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

} // namespace

ChildOptions criu_child(std::string log_path, int status_fd) {
  ChildOptions options;
  options.env = criu_env();
  options.log_path = std::move(log_path);
  options.status_fd = status_fd;
  return options;
}

ChildOptions restore_child() { return criu_child(""); }

Child::Child(const std::vector<std::string> &argv, const ChildOptions &options)
    : what_(fmt::format("{}", fmt::join(argv, " "))) {
  std::vector<std::string> args = argv;
  std::vector<std::string> env = merged_env(options.env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const char *log = options.log_path.empty() ? "/dev/null" : options.log_path.c_str();
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (options.err_path.empty())
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  else
    posix_spawn_file_actions_addopen(&actions, 2, options.err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (options.status_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, options.status_fd, 3);
  // A new process group: killing the child also reaches the CRIU it started.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  int rc = posix_spawnp(&pid_, args[0].c_str(), &actions, &attr, c_strings(args).data(),
                        c_strings(env).data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    fail("cannot start {}: {}", args[0], errno_text(rc));
}

Child::Child(Child &&other) noexcept
    : pid_(other.pid_), status_(other.status_), what_(std::move(other.what_)) {
  other.pid_ = -1;
}

Child::~Child() {
  if (pid_ > 0 && poll() < 0) {
    kill(SIGKILL);
    wait();
  }
}

int Child::wait() {
  if (status_ >= 0 || pid_ <= 0)
    return status_;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0)
    if (errno != EINTR)
      fail("waitpid for {} failed: {}", what_, errno_text(errno));
  status_ = decode_status(status);
  return status_;
}

int Child::poll() {
  if (status_ >= 0 || pid_ <= 0)
    return status_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_)
    status_ = decode_status(status);
  return status_;
}

void Child::kill(int signal) {
  if (pid_ > 0 && status_ < 0)
    ::kill(-pid_, signal);
}

namespace {

// A temporary file that is gone when this is.
struct TempFile {
  std::string path = "/tmp/xisa-migrate-XXXXXX";
  TempFile() {
    int fd = ::mkstemp(path.data());
    if (fd < 0)
      fail("cannot create a temporary file: {}", errno_text(errno));
    ::close(fd);
  }
  ~TempFile() { ::unlink(path.c_str()); }
  std::string text() const {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
};

} // namespace

StatusPipe::StatusPipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    fail("cannot create a pipe: {}", errno_text(errno));
  read_ = fds[0];
  write_ = fds[1];
}

StatusPipe::~StatusPipe() {
  if (write_ >= 0)
    ::close(write_);
  ::close(read_);
}

bool StatusPipe::wait(Child &child, int timeout_ms) {
  // Only the child's copy keeps the write end open now, so its end is EOF.
  if (write_ >= 0)
    ::close(write_);
  write_ = -1;
  pollfd pfd = {read_, POLLIN, 0};
  int rc;
  while ((rc = ::poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR) {
  }
  char byte;
  if (rc > 0 && ::read(read_, &byte, 1) == 1)
    return true;
  child.kill(SIGKILL);
  child.wait();
  return false;
}

std::string run_checked(const std::vector<std::string> &argv) {
  TempFile out, err;
  ChildOptions options;
  options.log_path = out.path;
  options.err_path = err.path;
  Child child(argv, options);
  int code = child.wait();
  if (code != 0)
    fail("`{}` failed (exit {}): {}", child.what(), code, err.text());
  return out.text();
}

int run_quietly(const std::vector<std::string> &argv) { return Child(argv).wait(); }

std::string log_tail(const std::string &path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);)
    all.push_back(line);
  size_t first = all.size() > lines ? all.size() - lines : 0;
  std::string out;
  for (size_t i = first; i < all.size(); ++i)
    out += (out.empty() ? "" : "\n") + all[i];
  return out.empty() ? "(no log)" : out;
}

} // namespace xisa::migrate
