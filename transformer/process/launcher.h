// Finding a program's build for each ISA and starting it, natively or under
// qemu-user, with address randomization off (a restore maps the source's
// heap and stacks at their addresses, and the program break must agree).
#pragma once
#include "support/isa.h"

#include <filesystem>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace xisa::process {

// Which file a path named when it was found: a rebuilt or replaced
// executable cannot take over a running process.
struct FileIdentity {
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0;

  bool operator==(const FileIdentity &) const = default;
};

// xisa-cc writes prog.x86_64, prog.aarch64, prog.ppc64le (and prog).
struct Executables {
  std::filesystem::path base;                  // prog
  std::map<Isa, std::filesystem::path> by_isa; // the builds that exist
  std::map<Isa, FileIdentity> identity;        // as they were when found

  // The build for isa, still the file it was when found; throws
  // xisa::Error saying which file is missing or changed.
  const std::filesystem::path &for_isa(Isa isa) const;
};

// From a path the user gave: prog, or one of its prog.<isa> builds.
Executables find_executables(const std::filesystem::path &given);
// The ISA of an ELF executable, from its e_machine.
std::optional<Isa> elf_isa(const std::filesystem::path &path);

struct LaunchSpec {
  Isa isa;
  std::filesystem::path exe;
  std::vector<std::string> args; // argv[1..]
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<int> pass_fds; // kept open across exec (others are close-on-exec)
};

pid_t launch(const LaunchSpec &spec);
// Exit status as a shell reports it: the code, or 128 + signal.
int exit_status_of(int wait_status);
std::string describe_wait_status(int wait_status);

} // namespace xisa::process
