#include "toolchain.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace xisa::test {

RunResult run(const std::vector<std::string> &argv) {
  int fds[2];
  if (pipe(fds) != 0)
    throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    std::vector<char *> args;
    for (const std::string &arg : argv)
      args.push_back(const_cast<char *>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  RunResult result;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0)
    result.output.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "xisa-test-XXXXXX").string();
  if (!mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed");
  dir = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

std::filesystem::path TempDir::write(const std::string &name, const std::string &text) const {
  std::filesystem::path file = dir / name;
  std::ofstream(file) << text;
  return file;
}

static std::string muslDir(Isa isa) { return fmt::format("/usr/lib/{}", info(isa).musl_dir); }

static std::vector<std::string> clangCommand(Isa isa) {
  return {XISA_TEST_CLANG,
          fmt::format("--target={}", info(isa).triple),
          "-nostdlibinc",
          "-isystem",
          fmt::format("/usr/include/{}", info(isa).musl_dir),
          "-O2",
          fmt::format("-fpass-plugin={}", XISA_TEST_PASS_PLUGIN),
          "-ffunction-sections",
          "-fdata-sections",
          "-fno-omit-frame-pointer",
          "-momit-leaf-frame-pointer",
          "-fno-common"};
}

RunResult compile(Isa isa, const std::filesystem::path &source, const std::filesystem::path &out,
                  const std::vector<std::string> &extra) {
  std::vector<std::string> argv = clangCommand(isa);
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), {"-c", source.string(), "-o", out.string()});
  return run(argv);
}

RunResult link(Isa isa, const std::vector<std::filesystem::path> &inputs,
               const std::filesystem::path &out) {
  std::string musl = muslDir(isa);
  std::string gcc = info(isa).gcc_cross.empty()
                        ? std::string("/usr/lib/gcc/x86_64-linux-gnu/12")
                        : fmt::format("/usr/lib/gcc-cross/{}/12", info(isa).gcc_cross);
  std::vector<std::string> argv = clangCommand(isa);
  argv.insert(argv.end(), {"-fuse-ld=lld", "-static", "-nostdlib", musl + "/crt1.o",
                           musl + "/crti.o"});
  for (const auto &input : inputs)
    argv.push_back(input.string());
  argv.insert(argv.end(),
              {musl + "/libc.a", gcc + "/libgcc.a", musl + "/crtn.o", "-o", out.string()});
  return run(argv);
}

const char *const kStubRuntime = R"(
volatile int __xisa_poll;
static char __xisa_shadow[1 << 16];
__thread char *__xisa_ssp = __xisa_shadow + sizeof __xisa_shadow;
volatile long __xisa_stub_points; /* how many times a point found a request */
void __xisa_mig_point(void) { __xisa_stub_points++; }
/* The pass renames the program's main; the runtime's main calls it. This
   stub is compiled through the pass too, so its main is an alias the pass
   does not see. */
int __real_main(int, char **, char **);
int __xisa_stub_main(int argc, char **argv, char **envp) { return __real_main(argc, argv, envp); }
__asm__(".globl main\n.set main, __xisa_stub_main");
)";

} // namespace xisa::test
