#include "process/control.h"

#include "support/error.h"

#include <cerrno>
#include <cstdlib>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace xisa::process {

std::filesystem::path control_socket_path(pid_t supervisor) {
  const char *runtime_dir = std::getenv("XDG_RUNTIME_DIR");
  std::filesystem::path dir = runtime_dir && *runtime_dir
                                  ? std::filesystem::path(runtime_dir) / "xisa"
                                  : std::filesystem::path("/tmp") / fmt::format("xisa-{}", getuid());
  return dir / fmt::format("{}.sock", supervisor);
}

static sockaddr_un address_of(const std::filesystem::path &path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.native().size() >= sizeof addr.sun_path)
    fail("control socket path {} is too long; set XDG_RUNTIME_DIR to a shorter directory", path.string());
  std::strcpy(addr.sun_path, path.c_str());
  return addr;
}

UniqueFd listen_control(const std::filesystem::path &path) {
  std::filesystem::create_directories(path.parent_path());
  ::chmod(path.parent_path().c_str(), 0700);
  ::unlink(path.c_str());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd)
    fail("socket: {}", errno_text(errno));
  sockaddr_un addr = address_of(path);
  if (::bind(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 || ::listen(fd.get(), 8) < 0)
    fail("cannot listen on {}: {}", path.string(), errno_text(errno));
  return fd;
}

pid_t parse_handle(const std::string &text) {
  char *end;
  long pid = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || pid <= 0)
    fail("'{}' is not a process handle: give the pid that `xisa run` printed or wrote to --pidfile", text);
  return static_cast<pid_t>(pid);
}

nlohmann::json control_request(pid_t supervisor, const nlohmann::json &request,
                               const std::function<void(const nlohmann::json &)> &on_progress) {
  std::filesystem::path path = control_socket_path(supervisor);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr = address_of(path);
  if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0)
    fail("no xisa supervisor with handle {} ({}: {}); is `xisa run` still running?", supervisor,
         path.string(), errno_text(errno));
  std::string line = request.dump() + "\n";
  write_all(fd.get(), line.data(), line.size(), "the request");
  for (;;) {
    std::string reply = read_line(fd.get(), std::chrono::minutes(10));
    if (reply.empty())
      fail("the supervisor {} closed the connection without an answer", supervisor);
    nlohmann::json j = nlohmann::json::parse(reply, nullptr, false);
    if (j.is_discarded())
      fail("the supervisor {} sent a line that is not JSON: {}", supervisor, reply);
    if (j.contains("ok"))
      return j;
    on_progress(j);
  }
}

} // namespace xisa::process
