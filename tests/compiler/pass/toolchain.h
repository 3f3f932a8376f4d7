// Test helper: compile C snippets with stock clang-19 and XisaPass.so for
// one ISA, the way xisa-cc does, and link them against musl.
#pragma once
#include "support/isa.h"

#include <filesystem>
#include <string>
#include <vector>

namespace xisa::test {

struct RunResult {
  int status = -1;    // exit status, or -1 if killed by a signal
  std::string output; // stdout and stderr together
};

RunResult run(const std::vector<std::string> &argv);

// A temporary directory removed with everything in it when destroyed.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::filesystem::path &path() const { return dir; }
  std::filesystem::path write(const std::string &name, const std::string &text) const;

private:
  std::filesystem::path dir;
};

// clang-19 --target=<triple> -O2 -fpass-plugin=XisaPass.so ... `extra`
// `source` -o `out`. Returns clang's status and diagnostics.
RunResult compile(Isa isa, const std::filesystem::path &source, const std::filesystem::path &out,
                  const std::vector<std::string> &extra = {});

// Links static musl executable `out` from `inputs` (C sources compiled with
// the plugin, or objects).
RunResult link(Isa isa, const std::vector<std::filesystem::path> &inputs,
               const std::filesystem::path &out);

// A minimal runtime so test programs link and run: the poll flag, a
// migration point that counts its calls in `volatile long
// __xisa_stub_points`, and a shadow stack.
extern const char *const kStubRuntime;

} // namespace xisa::test
