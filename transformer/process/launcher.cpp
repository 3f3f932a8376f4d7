#include "process/launcher.h"

#include "support/error.h"
#include "xisa/wire.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <elf.h>
#include <fmt/format.h>
#include <fcntl.h>
#include <fstream>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace xisa::process {

static FileIdentity identity_of(const std::filesystem::path &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0)
    fail("cannot stat {}: {}", path.string(), errno_text(errno));
  return {uint64_t(st.st_dev), uint64_t(st.st_ino), uint64_t(st.st_size),
          int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

const std::filesystem::path &Executables::for_isa(Isa isa) const {
  auto it = by_isa.find(isa);
  if (it == by_isa.end())
    fail("there is no {} build of {} (expected {}.{}); build it with xisa-cc", name(isa),
         base.string(), base.string(), name(isa));
  if (identity_of(it->second) != identity.at(isa))
    fail("{} changed since the program started (rebuilt or replaced); a different executable "
         "cannot take over the running process",
         it->second.string());
  return it->second;
}

std::optional<Isa> elf_isa(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr eh{};
  if (!in.read(reinterpret_cast<char *>(&eh), sizeof eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    return std::nullopt;
  for (Isa isa : kAllIsas)
    if (info(isa).elf_machine == eh.e_machine)
      return isa;
  return std::nullopt;
}

Executables find_executables(const std::filesystem::path &given) {
  Executables exes;
  exes.base = given;
  for (Isa isa : kAllIsas)
    if (given.extension() == "." + std::string(name(isa)))
      exes.base = given.parent_path() / given.stem();
  for (Isa isa : kAllIsas) {
    std::filesystem::path candidate = exes.base.string() + "." + std::string(name(isa));
    if (elf_isa(candidate) == isa)
      exes.by_isa[isa] = candidate;
  }
  if (auto isa = elf_isa(given); isa && !exes.by_isa.count(*isa))
    exes.by_isa[*isa] = given;
  for (const auto &[isa, path] : exes.by_isa)
    exes.identity[isa] = identity_of(path);
  if (exes.by_isa.empty()) {
    if (!std::filesystem::exists(given))
      fail("{} does not exist", given.string());
    fail("{} is not an executable for any of {} (and there is no {}.<isa>)", given.string(),
         isa_names(), exes.base.string());
  }
  return exes;
}

pid_t launch(const LaunchSpec &spec) {
  bool native = spec.isa == host_isa();
  std::vector<std::string> argv_text;
  if (!native) {
    // The guest gets the addresses below the limit to itself; without this
    // qemu takes any free host address for a guest mmap whose usual place
    // is taken (as after a restore), next to its own libraries, where the
    // next ISA's qemu has its own (docs/design.md, Address space).
    argv_text.emplace_back(info(spec.isa).qemu);
    argv_text.emplace_back("-R");
    argv_text.push_back(fmt::format("{:#x}", XISA_ADDRESS_LIMIT));
  }
  argv_text.push_back(spec.exe.string());
  argv_text.insert(argv_text.end(), spec.args.begin(), spec.args.end());
  std::vector<char *> argv;
  for (std::string &a : argv_text)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment is built here: the child of a threaded parent may not
  // allocate.
  std::vector<std::string> env_text;
  for (char **e = environ; *e; e++) {
    std::string_view entry(*e);
    bool replaced = false;
    for (const auto &kv : spec.env)
      replaced |= entry.starts_with(kv.first + "=");
    if (!replaced)
      env_text.emplace_back(entry);
  }
  for (const auto &[key, value] : spec.env)
    env_text.push_back(key + "=" + value);
  std::vector<char *> envp;
  for (std::string &e : env_text)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0)
    fail("fork: {}", errno_text(errno));
  if (pid > 0)
    return pid;
  // Child: only async-signal-safe work from here.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  // Fixed addresses, and mappings where a restore on any ISA can put them
  // back: a native process maps bottom-up from a third of the address space
  // (0x2aaaaaaab000), qemu-user guests map down from 0x4000000000 or
  // 0x5500000000 inside their reserved range; none of these meets the host
  // mappings of a qemu-user process, which keep the default top-down layout.
  personality(ADDR_NO_RANDOMIZE | (native ? ADDR_COMPAT_LAYOUT : 0));
  for (int fd : spec.pass_fds)
    fcntl(fd, F_SETFD, 0);
  execvpe(argv[0], argv.data(), envp.data());
  const char *why = strerror(errno);
  for (const char *part : {"xisa: error: cannot start ", static_cast<const char *>(argv[0]), ": ", why, "\n"})
    if (write(2, part, strlen(part)) < 0)
      break;
  _exit(127);
}

int exit_status_of(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 1;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status))
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "stopped";
}

} // namespace xisa::process
