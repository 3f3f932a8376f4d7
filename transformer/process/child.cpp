#include "process/child.h"

#include "support/error.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace xisa::process {

namespace {

UniqueFd open_pidfd(pid_t pid) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0)
    fail("pidfd_open({}): {}", pid, errno_text(errno));
  return UniqueFd(fd);
}

Child launch_child(Isa isa, const std::filesystem::path &exe, const std::vector<std::string> &args,
                   RuntimeEnv extra) {
  auto &[env, pass_fds] = extra;
  auto [mine, theirs] = socket_pair();
  env.emplace_back("XISA_CTL_FD", std::to_string(theirs.get()));
  env.emplace_back("XISA_SIGNAL", kRequestSignalName);
  pass_fds.push_back(theirs.get());
  Child child;
  child.isa = isa;
  child.pid = launch({isa, exe, args, env, pass_fds});
  child.pidfd = open_pidfd(child.pid);
  child.ctl = std::move(mine);
  return child;
}

} // namespace

Child start_program(const Executables &exes, Isa isa, const std::vector<std::string> &args,
                    const RuntimeEnv &extra) {
  return launch_child(isa, exes.for_isa(isa), args, extra);
}

int reap(Child &child) {
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR)
    ;
  child.pidfd.reset();
  child.ctl.reset();
  return status;
}

static void send_verdict(Child &child, char verdict) {
  if (child.ctl && ::write(child.ctl.get(), &verdict, 1) != 1)
    child.ctl.reset(); // the process is gone; its exit shows on the pidfd
}

void resume(Child &child) { send_verdict(child, XISA_VERDICT_RESUME); }

void retire(Child &child) {
  send_verdict(child, XISA_VERDICT_EXIT);
  reap(child);
}

Parked park(Child &child, std::chrono::milliseconds timeout) {
  auto start = std::chrono::steady_clock::now();
  if (::kill(child.pid, SIGUSR2) < 0)
    fail("cannot signal the program (pid {}): {}", child.pid, errno_text(errno));
  if (!wait_readable(child.ctl.get(), timeout)) {
    resume(child); // the runtime takes an early verdict as "stop waiting"
    fail("the program did not reach a migration point within {} ms (is it built with xisa-cc, "
         "or blocked in a system call?); it goes on running",
         timeout.count());
  }
  Parked parked;
  parked.parked_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  try {
    parked.bytes = read_wire_bytes(child.ctl.get(), timeout);
    return parked;
  } catch (const Error &e) {
    resume(child);
    fail("reading the parked program: {}; it goes on running", e.what());
  }
}

Child start_restored(const Executables &exes, const WireStream &stream,
                     std::chrono::milliseconds timeout, const RuntimeEnv &extra) {
  std::vector<uint8_t> bytes = serialize_wire(stream);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) < 0)
    fail("pipe: {}", errno_text(errno));
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  Isa isa = stream.isa();
  RuntimeEnv env = extra;
  env.vars.emplace_back("XISA_RESTORE_FD", std::to_string(read_end.get()));
  env.fds.push_back(read_end.get());
  Child child = launch_child(isa, exes.for_isa(isa), {}, std::move(env));
  read_end.reset();
  // The restoring process reads as it maps; feed it from another thread so
  // its early exit shows here instead of blocking a write.
  std::thread writer([&bytes, fd = std::move(write_end)] {
    try {
      write_all(fd.get(), bytes.data(), bytes.size(), "the restore stream");
    } catch (const Error &) {
      // The process stopped reading; its exit status tells why.
    }
  });
  pollfd fds[2] = {{child.ctl.get(), POLLIN, 0}, {child.pidfd.get(), POLLIN, 0}};
  int ready = 0;
  while ((ready = ::poll(fds, 2, static_cast<int>(timeout.count()))) < 0 && errno == EINTR)
    ;
  char ack = 0;
  bool running = ready > 0 && (fds[0].revents & POLLIN) && ::read(child.ctl.get(), &ack, 1) == 1 &&
                 ack == XISA_RESTORED_ACK;
  if (!running) {
    ::kill(child.pid, SIGKILL);
    int status = reap(child);
    writer.join();
    if (ready == 0)
      fail("the restored process did not start within {} ms", timeout.count());
    fail("the restored process {} before it ran (see its message above)", describe_wait_status(status));
  }
  writer.join();
  return child;
}

} // namespace xisa::process
