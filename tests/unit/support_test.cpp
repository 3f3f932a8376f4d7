#include "support/isa.h"

#include <gtest/gtest.h>

using namespace xisa;

TEST(Isa, NamesRoundTrip) {
  for (Isa isa : kAllIsas)
    EXPECT_EQ(parse_isa(name(isa)), isa);
}

TEST(Isa, DebianAliases) {
  EXPECT_EQ(parse_isa("arm64"), Isa::AArch64);
  EXPECT_EQ(parse_isa("ppc64el"), Isa::PPC64LE);
  EXPECT_FALSE(parse_isa("riscv64").has_value());
}
