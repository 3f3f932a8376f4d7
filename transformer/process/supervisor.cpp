#include "process/supervisor.h"

#include "process/checkpoint_images.h"
#include "process/control.h"
#include "support/error.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace xisa::process {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::chrono::milliseconds timeout_of(const nlohmann::json &request, int fallback_ms) {
  return std::chrono::milliseconds(request.value("timeout_ms", fallback_ms));
}

// Signals that end the supervised program, passed on instead of ending the
// supervisor first.
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

UniqueFd forwarded_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kForwarded)
    sigaddset(&set, sig);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  return UniqueFd(::signalfd(-1, &set, SFD_CLOEXEC));
}

} // namespace

WireStream stream_for_isa(const WireStream &stream, Isa to, const Executables &exes,
                          const TransformStream &transform) {
  if (stream.isa() == to)
    return stream;
  if (!transform)
    fail("this xisa has no transformer for {} -> {} yet", name(stream.isa()), name(to));
  return transform(stream, to, exes);
}

Supervisor::Supervisor(SupervisorOptions options, Child child)
    : options_(std::move(options)), child_(std::move(child)) {}

int Supervisor::run() {
  ::signal(SIGPIPE, SIG_IGN);
  pid_t self = ::getpid();
  std::filesystem::path socket_path = control_socket_path(self);
  UniqueFd listener = listen_control(socket_path);
  UniqueFd signals = forwarded_signals();
  if (options_.pidfile) {
    std::ofstream(*options_.pidfile) << self << "\n";
  }
  if (options_.announce)
    std::fprintf(stderr, "xisa: running %s on %s; handle %d\n", options_.exes.base.c_str(),
                 std::string(name(child_.isa)).c_str(), self);
  int status = 0;
  for (;;) {
    pollfd fds[4] = {{child_.pidfd.get(), POLLIN, 0},
                     {listener.get(), POLLIN, 0},
                     {signals.get(), POLLIN, 0},
                     {child_.ctl.get(), POLLIN, 0}};
    if (::poll(fds, child_.ctl ? 4 : 3, -1) < 0) {
      if (errno == EINTR)
        continue;
      fail("poll: {}", errno_text(errno));
    }
    if (fds[0].revents) {
      status = reap(child_);
      break;
    }
    if (fds[2].revents & POLLIN) {
      signalfd_siginfo si;
      if (::read(signals.get(), &si, sizeof si) == sizeof si)
        ::kill(child_.pid, static_cast<int>(si.ssi_signo));
    }
    if (fds[3].revents) {
      if (peer_closed(child_.ctl.get()))
        child_.ctl.reset(); // the program is ending: its exit shows on the pidfd
      else if (options_.points && hops_done_ < options_.points->hops().size())
        hop();
      else
        drain_unrequested_stream();
    }
    if (fds[1].revents & POLLIN) {
      UniqueFd client(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (client)
        serve(client.get());
    }
  }
  std::filesystem::remove(socket_path);
  if (options_.pidfile)
    std::filesystem::remove(*options_.pidfile);
  report_exit(status);
  return exit_status_of(status);
}

void Supervisor::report(const nlohmann::json &event, const std::string &text) const {
  std::string line = options_.json ? event.dump() : "xisa: " + text;
  std::fprintf(stderr, "%s\n", line.c_str());
}

void Supervisor::hop() {
  const Hop &next = options_.points->hops()[hops_done_++];
  Isa from = child_.isa;
  auto start = Clock::now();
  std::string where = fmt::format("hop {} at point {}", hops_done_, next.point);
  nlohmann::json event = {{"event", "hop"}, {"hop", hops_done_}, {"point", next.point}};
  try {
    Parked parked;
    try {
      parked.bytes = read_wire_bytes(child_.ctl.get(), std::chrono::seconds(10));
    } catch (const Error &e) {
      resume(child_);
      fail("reading the parked program: {}; it goes on running on {}", e.what(), name(from));
    }
    nlohmann::json done = move_parked(parked, next.to, start, std::chrono::seconds(30), [](const nlohmann::json &) {});
    event.update(done);
    event.erase("park_ms"); // the program asked by itself: no request to time from
    report(event, fmt::format("{}: {} -> {} in {:.1f} ms; parked at point {}, call site {}", where,
                              name(from), name(next.to), done.value("total_ms", 0.0),
                              done.value("points_passed", uint64_t(0)), done.value("site", "")));
  } catch (const Error &e) {
    event.update({{"ok", false}, {"to", name(next.to)}, {"error", e.what()}});
    report(event, fmt::format("{} failed: {}", where, e.what()));
  }
}

void Supervisor::report_exit(int status) {
  if (!options_.points)
    return;
  std::optional<uint64_t> total = options_.points->total();
  const std::vector<Hop> &hops = options_.points->hops();
  nlohmann::json event = {{"event", "exit"},
                          {"status", exit_status_of(status)},
                          {"points", total ? nlohmann::json(*total) : nlohmann::json()},
                          {"hops_reached", hops_done_},
                          {"hops", hops.size()}};
  std::string text = total ? fmt::format("the main thread passed {} migration points", *total)
                           : fmt::format("the program {} and reported no count of migration points "
                                         "(the runtime reports it in exit())",
                                         describe_wait_status(status));
  if (hops_done_ < hops.size())
    text += fmt::format("; it ended before hop {} (at point {})", hops_done_ + 1, hops[hops_done_].point);
  report(event, text);
}

void Supervisor::drain_unrequested_stream() {
  try {
    read_wire_bytes(child_.ctl.get(), std::chrono::seconds(10));
    resume(child_);
  } catch (const Error &) {
    child_.ctl.reset(); // the runtime closed its end; stop listening to it
  }
}

void Supervisor::serve(int client) {
  auto send = [client](const nlohmann::json &j) {
    std::string line = j.dump() + "\n";
    try {
      write_all(client, line.data(), line.size(), "a reply");
    } catch (const Error &) {
      // The client went away; the operation still completes.
    }
  };
  nlohmann::json reply;
  try {
    std::string line = read_line(client, std::chrono::seconds(10));
    nlohmann::json request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object())
      fail("the request is not a JSON object: {}", line);
    reply = handle(request, send);
  } catch (const Error &e) {
    reply = {{"ok", false}, {"error", e.what()}};
  }
  send(reply);
}

nlohmann::json Supervisor::handle(const nlohmann::json &request, const Progress &progress) {
  std::string op = request.value("op", "");
  if (op == "status")
    return {{"ok", true},
            {"pid", child_.pid},
            {"isa", name(child_.isa)},
            {"migrations", migrations_}};
  if (op == "migrate")
    return migrate(request, progress);
  if (op == "checkpoint")
    return checkpoint(request, progress);
  fail("unknown request '{}' (known: status, migrate, checkpoint)", op);
}

nlohmann::json Supervisor::migrate(const nlohmann::json &request, const Progress &progress) {
  auto target = parse_isa(request.value("to", ""));
  if (!target)
    fail("unknown target ISA '{}' (known: {})", request.value("to", ""), isa_names());
  options_.exes.for_isa(*target); // fail before stopping anything
  auto start = Clock::now();
  progress({{"event", "progress"}, {"stage", "parking"}, {"pid", child_.pid}});
  Parked parked = park(child_, timeout_of(request, 10000));
  progress({{"event", "progress"}, {"stage", "parked"}, {"bytes", parked.bytes.size()}, {"ms", parked.parked_ms}});
  return move_parked(parked, *target, start, timeout_of(request, 30000), progress);
}

nlohmann::json Supervisor::move_parked(const Parked &parked, Isa target, Clock::time_point start,
                                       std::chrono::milliseconds restore_timeout, const Progress &progress) {
  const std::vector<uint8_t> &bytes = parked.bytes;
  double streamed_ms = ms_since(start);
  Isa from = child_.isa;
  try {
    WireStream stream = parse_wire(bytes);
    if (stream.isa() != from)
      fail("the program sent a {} stream but runs on {}", name(stream.isa()), name(from));
    auto transform_start = Clock::now();
    if (target != from)
      progress({{"event", "progress"}, {"stage", "transforming"}, {"to", name(target)}});
    WireStream out = stream_for_isa(stream, target, options_.exes, options_.transform);
    double transform_ms = ms_since(transform_start);
    progress({{"event", "progress"}, {"stage", "restoring"}, {"isa", name(target)}});
    Child next = start_restored(options_.exes, out, restore_timeout,
                                options_.points ? options_.points->restored_env() : RuntimeEnv{});
    retire(child_);
    child_ = std::move(next);
    migrations_++;
    nlohmann::json done = {{"ok", true},
                           {"from", name(from)},
                           {"to", name(target)},
                           {"pid", child_.pid},
                           {"stream_bytes", bytes.size()},
                           {"memory_bytes", out.present_bytes()},
                           {"park_ms", parked.parked_ms},
                           {"stream_ms", streamed_ms - parked.parked_ms},
                           {"transform_ms", transform_ms},
                           {"total_ms", ms_since(start)}};
    if (stream.header.points_passed)
      done["points_passed"] = stream.header.points_passed;
    done["site"] = call_site_name(from, stream.threads.at(0).site);
    return done;
  } catch (const Error &e) {
    resume(child_);
    fail("migration to {} failed, the program goes on on {}: {}", name(target), name(from), e.what());
  }
}

std::string Supervisor::call_site_name(Isa isa, uint64_t point) const {
  if (!point || !options_.call_site_id)
    return fmt::format("{:#x}", point);
  try {
    return fmt::format("{:#x}", options_.call_site_id(options_.exes.for_isa(isa), point));
  } catch (const Error &e) {
    return fmt::format("{:#x} (no record id: {})", point, e.what());
  }
}

nlohmann::json Supervisor::checkpoint(const nlohmann::json &request, const Progress &progress) {
  std::string dir = request.value("dir", "");
  if (dir.empty())
    fail("checkpoint needs a directory");
  auto start = Clock::now();
  progress({{"event", "progress"}, {"stage", "parking"}, {"pid", child_.pid}});
  std::vector<uint8_t> bytes = park(child_, timeout_of(request, 10000)).bytes;
  try {
    WireStream stream = parse_wire(bytes);
    progress({{"event", "progress"}, {"stage", "writing"}, {"dir", dir}});
    write_checkpoint(stream, options_.exes.for_isa(child_.isa), dir);
  } catch (const Error &e) {
    resume(child_);
    fail("checkpoint failed, the program goes on: {}", e.what());
  }
  resume(child_);
  return {{"ok", true}, {"dir", dir}, {"stream_bytes", bytes.size()}, {"total_ms", ms_since(start)}};
}

} // namespace xisa::process
