#include "agent/cgroup_fs.h"
#include "support/error.h"

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace xisa::agent {

CgroupFs CgroupFs::detect(const std::string &mountinfo) {
  std::ifstream in(mountinfo);
  if (!in)
    fail("cannot read {}: {}", mountinfo, errno_text(errno));
  CgroupFs cg;
  std::string line;
  while (std::getline(in, line)) {
    // id parent dev root mountpoint opts [optional...] - fstype source superopts
    size_t dash = line.find(" - ");
    if (dash == std::string::npos)
      continue;
    std::istringstream head(line.substr(0, dash)), tail(line.substr(dash + 3));
    std::string id, parent, dev, root, mountpoint, fstype, source, superopts;
    head >> id >> parent >> dev >> root >> mountpoint;
    tail >> fstype >> source >> superopts;
    if (fstype == "cgroup2" && mountpoint == "/sys/fs/cgroup") {
      cg.v2 = true;
      cg.v2_root = mountpoint;
    } else if (fstype == "cgroup") {
      std::istringstream opts(superopts);
      std::string opt;
      while (std::getline(opts, opt, ','))
        if (opt != "rw" && opt != "ro" && !opt.starts_with("name=") && opt.find('=') == std::string::npos)
          cg.v1_mounts.emplace(opt, mountpoint);
    }
  }
  if (!cg.v2 && cg.v1_mounts.empty())
    fail("no cgroup v1 controllers and no cgroup2 at /sys/fs/cgroup in {}: mount cgroups first "
         "(`ip netns exec` hides them by remounting /sys; enter a namespace with `nsenter "
         "--net=/run/netns/NAME` instead)",
         mountinfo);
  if (cg.v2)
    cg.v1_mounts.clear();
  return cg;
}

std::string CgroupFs::dir(std::string_view controller, std::string_view path) const {
  std::string rel(path);
  while (rel.starts_with('/'))
    rel.erase(0, 1);
  if (v2)
    return (fs::path(v2_root) / rel).string();
  auto it = v1_mounts.find(std::string(controller));
  if (it == v1_mounts.end())
    fail("cgroup v1 controller '{}' is not mounted on this host (mount it, or use cgroup v2)",
         controller);
  return (fs::path(it->second) / rel).string();
}

void CgroupFs::make_dirs(std::string_view controller, std::string_view path) const {
  std::error_code ec;
  std::string d = dir(controller, path);
  fs::create_directories(d, ec);
  if (ec)
    fail("cannot create cgroup {}: {}", d, ec.message());
}

void CgroupFs::write(std::string_view controller, std::string_view path, std::string_view file,
                     std::string_view value) const {
  std::string target = dir(controller, path) + "/" + std::string(file);
  int fd = ::open(target.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | (real ? 0 : O_CREAT), 0644);
  if (fd < 0 && errno == ENOENT)
    fail("cgroup file {} does not exist: this kernel does not offer '{}'", target, file);
  if (fd < 0)
    fail("cannot open {}: {}", target, errno_text(errno));
  ssize_t n = ::write(fd, value.data(), value.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size()))
    fail("cannot write '{}' to {}: {}", value, target, errno_text(err));
}

std::optional<std::string> CgroupFs::read(std::string_view controller, std::string_view path,
                                          std::string_view file) const {
  std::ifstream in(dir(controller, path) + "/" + std::string(file));
  if (!in)
    return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace xisa::agent
