// Where the tools and libraries xisa-cc drives live. The pass plugin and the
// runtime are found relative to the xisa-cc executable (design.md), the rest
// are Debian's fixed paths.
#pragma once
#include "support/isa.h"

#include <optional>
#include <string>

namespace xisa::link {

struct Toolchain {
  std::string llvm_bin;         // clang, ld.lld, llvm-objcopy
  std::string resource_include; // clang's own headers (stddef.h, ...)
  std::string xisa_lib;         // <dir of xisa-cc>/../lib/xisa
  std::optional<std::string> pass_plugin; // XisaPass.so when built
  std::optional<std::string> optimizer;   // xisa-opt (the middle end) when built

  std::string clang() const { return llvm_bin + "/clang"; }
  std::string lld() const { return llvm_bin + "/ld.lld"; }
  std::string objcopy() const { return llvm_bin + "/llvm-objcopy"; }

  static std::string musl_lib(Isa isa);     // crt*.o, libc.a
  static std::string musl_include(Isa isa);
  static std::string libgcc(Isa isa);
  // lib/xisa/<isa>/libxisa_rt.a when the runtime is built for this ISA.
  std::optional<std::string> runtime(Isa isa) const;
};

// Finds everything relative to `self` (the running executable's path).
Toolchain find_toolchain(const std::string &self);

} // namespace xisa::link
