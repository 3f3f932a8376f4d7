#include "link/layout_check.h"
#include "support/error.h"

#include <gtest/gtest.h>

using namespace xisa;
using namespace xisa::link;

TEST(LayoutCheck, SharedSymbolsMustAgree) {
  ExecutableSymbols x86{Isa::X86_64, {{"main", 0x1000, 16, false}, {"only_x86", 0x2000, 4, false}}};
  ExecutableSymbols arm{Isa::AArch64, {{"main", 0x1000, 32, false}, {"buf", 0x3000, 8, false}}};
  ExecutableSymbols ppc{Isa::PPC64LE, {{"main", 0x1000, 24, false}, {"buf", 0x3008, 8, false}}};
  LayoutReport report = compare_layouts({x86, arm, ppc});
  EXPECT_EQ(report.shared, 2u) << "main and buf; only_x86 is on one ISA";
  ASSERT_EQ(report.differences.size(), 1u);
  EXPECT_EQ(report.differences[0].symbol, "buf");
  EXPECT_EQ(report.differences[0].address.at(Isa::AArch64), 0x3000u);
  EXPECT_EQ(report.differences[0].address.at(Isa::PPC64LE), 0x3008u);
  EXPECT_FALSE(report.aligned());

  LayoutReport same = compare_layouts({x86, arm});
  EXPECT_TRUE(same.aligned());
}

TEST(LayoutCheck, NeedsTwoExecutables) {
  EXPECT_THROW(program_executables("/nonexistent/prog"), Error);
}
