#include "migrate/images_gate.h"
#include "support/error.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace xisa::migrate {

namespace {

// pid and its children (/proc/PID/task/TID/children, one line of pids).
std::vector<pid_t> with_children(pid_t pid) {
  std::vector<pid_t> out = {pid};
  std::error_code ec;
  for (const auto &task : fs::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
    std::ifstream in(task.path() / "children");
    for (pid_t child; in >> child;)
      out.push_back(child);
  }
  return out;
}

bool has_open(pid_t pid, const struct stat &file) {
  std::error_code ec;
  for (const auto &fd : fs::directory_iterator(fmt::format("/proc/{}/fd", pid), ec)) {
    struct stat st;
    if (::stat(fd.path().c_str(), &st) == 0 && st.st_dev == file.st_dev &&
        st.st_ino == file.st_ino)
      return true;
  }
  return false;
}

} // namespace

ImagesGate::ImagesGate(std::string path) : path_(std::move(path)) {
  ::unlink(path_.c_str());
  if (::mkfifo(path_.c_str(), 0600) != 0)
    fail("cannot create the images gate {}: {}", path_, errno_text(errno));
  fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0)
    fail("cannot open the images gate {}: {}", path_, errno_text(errno));
}

// Unlinked first: a CRIU that opens it after the close would wait for ever.
ImagesGate::~ImagesGate() {
  ::unlink(path_.c_str());
  ::close(fd_);
}

std::string ImagesGate::env() const { return "CRIU_IMAGES_GATE=" + path_; }

bool ImagesGate::wait_until_reached(Child &child, int timeout_ms) const {
  struct stat gate;
  if (::fstat(fd_, &gate) != 0)
    fail("cannot stat the images gate {}: {}", path_, errno_text(errno));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (child.poll() < 0 && std::chrono::steady_clock::now() < deadline) {
    for (pid_t pid : with_children(child.pid()))
      if (has_open(pid, gate))
        return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

void ImagesGate::open() {
  char go = 1;
  if (::write(fd_, &go, 1) != 1)
    fail("cannot open the images gate {}: {}", path_, errno_text(errno));
}

} // namespace xisa::migrate
