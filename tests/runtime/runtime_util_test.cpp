// The runtime's own number parsing (runtime/src/util.c), built for the host:
// it reads the supervisor's settings and /proc/self/maps, where a wrong
// digit or base would misplace a hop or a mapping.
#include <gtest/gtest.h>

#include <cstdint>

extern "C" {
#include "rt.h"
}

namespace {

uint64_t parse(const char *text, unsigned base, const char **end) {
  *end = text;
  return rt_parse_u64(end, base);
}

TEST(RuntimeNumbers, DecimalStopsAtTheFirstNonDigit) {
  const char *end;
  EXPECT_EQ(parse("1234:aarch64", 10, &end), 1234u);
  EXPECT_STREQ(end, ":aarch64");
  EXPECT_EQ(parse("x", 10, &end), 0u);
  EXPECT_STREQ(end, "x");
}

TEST(RuntimeNumbers, HexReadsBothCasesAsInProcMaps) {
  const char *end;
  EXPECT_EQ(parse("7ffDeadBEEF-7ffe00000000", 16, &end), 0x7ffdeadbeefu);
  EXPECT_STREQ(end, "-7ffe00000000");
  // 'g' is no hex digit.
  EXPECT_EQ(parse("fg", 16, &end), 0xfu);
  EXPECT_STREQ(end, "g");
}

TEST(RuntimeNumbers, OverflowSaturatesLikeStrtoull) {
  const char *end;
  EXPECT_EQ(parse("18446744073709551615", 10, &end), UINT64_MAX);
  EXPECT_EQ(parse("18446744073709551616", 10, &end), UINT64_MAX);
  EXPECT_EQ(parse("99999999999999999999999", 10, &end), UINT64_MAX);
  EXPECT_STREQ(end, "");
  EXPECT_EQ(parse("18446744073709551614", 10, &end), UINT64_MAX - 1);
}

TEST(RuntimeNumbers, FileDescriptorsAreWholeNonNegativeInts) {
  EXPECT_EQ(rt_parse_fd("0"), 0);
  EXPECT_EQ(rt_parse_fd("17"), 17);
  EXPECT_EQ(rt_parse_fd("2147483647"), 2147483647);
  EXPECT_EQ(rt_parse_fd("2147483648"), -1);
  EXPECT_EQ(rt_parse_fd(""), -1);
  EXPECT_EQ(rt_parse_fd("3x"), -1);
  EXPECT_EQ(rt_parse_fd("-3"), -1);
  EXPECT_EQ(rt_parse_fd(nullptr), -1);
}

TEST(RuntimeNumbers, FormatsDecimal) {
  char buf[21];
  EXPECT_STREQ(rt_format_u64(buf, 0), "0");
  EXPECT_STREQ(rt_format_u64(buf, 4096), "4096");
  EXPECT_STREQ(rt_format_u64(buf, UINT64_MAX), "18446744073709551615");
}

} // namespace
