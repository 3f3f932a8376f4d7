#include "link/toolchain.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace xisa::link {

std::string Toolchain::musl_lib(Isa isa) {
  return "/usr/lib/" + std::string(info(isa).musl_dir);
}

std::string Toolchain::musl_include(Isa isa) {
  return "/usr/include/" + std::string(info(isa).musl_dir);
}

std::string Toolchain::libgcc(Isa isa) {
  const IsaInfo &i = info(isa);
  if (i.gcc_cross.empty())
    return "/usr/lib/gcc/" + std::string(i.name) + "-linux-gnu/12/libgcc.a";
  return "/usr/lib/gcc-cross/" + std::string(i.gcc_cross) + "/12/libgcc.a";
}

std::optional<std::string> Toolchain::runtime(Isa isa) const {
  std::string path = xisa_lib + "/" + std::string(name(isa)) + "/libxisa_rt.a";
  if (fs::exists(path))
    return path;
  return std::nullopt;
}

Toolchain find_toolchain(const std::string &self) {
  Toolchain t;
  t.llvm_bin = XISA_LLVM_BIN;
  t.resource_include = XISA_CLANG_RESOURCE_DIR "/include";
  fs::path exe = fs::weakly_canonical(fs::path(self));
  t.xisa_lib = (exe.parent_path().parent_path() / "lib" / "xisa").string();
  std::string plugin = t.xisa_lib + "/XisaPass.so";
  if (fs::exists(plugin))
    t.pass_plugin = plugin;
  std::string optimizer = t.xisa_lib + "/xisa-opt";
  if (fs::exists(optimizer))
    t.optimizer = optimizer;
  return t;
}

} // namespace xisa::link
