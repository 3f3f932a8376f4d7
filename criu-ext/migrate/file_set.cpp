#include "migrate/file_set.h"
#include "support/error.h"

#include <cerrno>
#include <csignal>
#include <pthread.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace xisa::migrate {

namespace {

// Copies the files of the set, in order, into out_fd (a pipe the connection
// reads from); closes out_fd when done, early on error.
void pump_files(const FileSet &set, int out_fd) {
  // A reader that gave up must not kill the agent with SIGPIPE: this thread
  // gets EPIPE instead.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
  char chunk[1 << 16];
  for (size_t i = 0; i < set.sources.size(); ++i) {
    if (!set.manifest[i].contains("size"))
      continue;
    int in = ::open(set.sources[i].c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0)
      break;
    ssize_t n;
    bool ok = true;
    while (ok && (n = ::read(in, chunk, sizeof chunk)) > 0)
      for (ssize_t off = 0; ok && off < n;) {
        ssize_t w = ::write(out_fd, chunk + off, static_cast<size_t>(n - off));
        ok = w > 0;
        off += w;
      }
    ::close(in);
    if (!ok)
      break;
  }
  ::close(out_fd);
}

// "a/b" stays inside the root; "", "/a", "a/../.." do not.
bool is_inside(const std::string &path) {
  if (path.empty() || path.front() == '/')
    return false;
  for (const fs::path &part : fs::path(path))
    if (part == "..")
      return false;
  return true;
}

} // namespace

void add_tree(FileSet &set, const std::string &dir, const std::string &prefix) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    fail("{} is not a directory", dir);
  set.manifest.push_back({{"path", prefix}, {"dir", true}, {"mode", 0755}});
  set.sources.push_back(dir);
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    const fs::directory_entry &entry = *it;
    // lexically: fs::relative would resolve symlinks to their targets.
    std::string rel = prefix + "/" + entry.path().lexically_relative(dir).string();
    struct stat st;
    if (::lstat(entry.path().c_str(), &st) != 0)
      fail("cannot stat {}: {}", entry.path().string(), errno_text(errno));
    proto::json item = {{"path", rel}};
    if (S_ISLNK(st.st_mode)) {
      item["link"] = fs::read_symlink(entry.path()).string();
    } else if (S_ISDIR(st.st_mode)) {
      item["dir"] = true;
      item["mode"] = st.st_mode & 07777;
    } else if (S_ISREG(st.st_mode)) {
      item["size"] = static_cast<uint64_t>(st.st_size);
      item["mode"] = st.st_mode & 07777;
      set.total_bytes += static_cast<uint64_t>(st.st_size);
    } else {
      // Sockets, fifos and devices cannot travel as files (runc creates /dev).
      continue;
    }
    set.manifest.push_back(std::move(item));
    set.sources.push_back(entry.path().string());
  }
}

void send_file_set(proto::Connection &conn, proto::json request, const FileSet &set) {
  request["files"] = set.manifest;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    fail("cannot create a pipe: {}", errno_text(errno));
  std::thread pump(pump_files, std::cref(set), pipe_fds[1]);
  try {
    conn.write_message_from_fd(std::move(request), pipe_fds[0], set.total_bytes);
  } catch (...) {
    ::close(pipe_fds[0]); // unblocks the pump
    pump.join();
    throw;
  }
  ::close(pipe_fds[0]);
  pump.join();
}

void receive_file_set(proto::Connection &conn, const proto::json &manifest, const std::string &root) {
  if (!manifest.is_array())
    fail("migration request has no \"files\" manifest");
  for (const proto::json &item : manifest) {
    std::string rel = item.value("path", "");
    if (!is_inside(rel))
      fail("migration request names the file \"{}\", which is outside the image set", rel);
    std::string path = root + "/" + rel;
    auto mode = static_cast<mode_t>(item.value("mode", 0644));
    if (item.value("dir", false)) {
      fs::create_directories(path);
      ::chmod(path.c_str(), mode);
    } else if (item.contains("link")) {
      fs::create_symlink(item["link"].get<std::string>(), path);
    } else {
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
      if (fd < 0)
        fail("cannot create {}: {}", path, errno_text(errno));
      try {
        conn.receive_to_fd(fd, item.value("size", uint64_t{0}));
      } catch (...) {
        ::close(fd);
        throw;
      }
      ::fchmod(fd, mode);
      ::close(fd);
    }
  }
}

} // namespace xisa::migrate
