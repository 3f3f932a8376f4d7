#include "driver/compile.h"

#include <algorithm>
#include <gtest/gtest.h>

using namespace xisa;
using namespace xisa::driver;

static bool has_mllvm(const link::Command &cmd, const std::string &option) {
  for (size_t i = 1; i < cmd.size(); ++i)
    if (cmd[i - 1] == "-mllvm" && cmd[i] == option)
      return true;
  return false;
}

// Backend loop passes that make induction variables of their own keep them
// across the loop's poll, where no record or known value describes them
// (fannkuch's flip loop on ppc64: a CTR trip count moved to r20, then
// perm + 4*i pointers), so code generation runs without them on every ISA
// that has them, and only in code generation.
TEST(Compile, CodeGenerationWithoutBackendInductionVariables) {
  link::Toolchain tc{"/llvm/bin", "/llvm/include", "/xisa/lib", {}, {}};
  Options opts;
  for (Isa isa : {Isa::X86_64, Isa::AArch64, Isa::PPC64LE}) {
    link::Command codegen = clang_command(tc, opts, isa, "-c", "a.bc", "a.o");
    EXPECT_TRUE(has_mllvm(codegen, "-disable-lsr")) << name(isa);
    bool ppc = isa == Isa::PPC64LE;
    EXPECT_EQ(has_mllvm(codegen, "-disable-ppc-ctrloops"), ppc) << name(isa);
    EXPECT_EQ(has_mllvm(codegen, "-disable-ppc-instr-form-prep"), ppc) << name(isa);
    // Not induction variables: each literal keeps its own section, placed
    // like the other ISAs' (tls's label = "main" read as "" after a hop).
    EXPECT_EQ(has_mllvm(codegen, "-ppc-merge-string-pool=false"), ppc) << name(isa);
    link::Command frontend = clang_command(tc, opts, isa, "-emit-llvm", "a.c", "a.bc");
    EXPECT_FALSE(has_mllvm(frontend, "-disable-ppc-ctrloops")) << name(isa);
  }
}
