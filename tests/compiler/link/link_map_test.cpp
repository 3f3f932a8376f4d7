#include "link/link_map.h"
#include "support/error.h"

#include <gtest/gtest.h>

using namespace xisa::link;

// The shape of an ld.lld-19 -Map file, trimmed from a real xisa-cc link.
static const char *kMap =
    "             VMA              LMA     Size Align Out     In      Symbol\n"
    "        10010000         10010000      100    16 .text\n"
    "        10010000         10010000        0     1         __xisa_dummy = .\n"
    "        10010000         10010000       10     1         /usr/lib/x86_64-linux-musl/libc.a(restore.lo):(.text)\n"
    "        10010001         10010001        9     1                 __restore_rt\n"
    "        10010010         10010010       23    16         /tmp/x/0-hello.o:(.text.main)\n"
    "        10010010         10010010        0     1                 $x\n"
    "        10010010         10010010       23     1                 main\n"
    "        10010040         10010040       20     8         <internal>:(.got)\n"
    "        10020000         10020000       40    32 .bss\n"
    "        10020000         10020000       40    32         /tmp/x/0-hello.o:(.bss.buf)\n"
    "        10020000         10020000       40     1                 buf\n";

TEST(LinkMap, ParsesSectionsInputsAndSymbols) {
  LinkMap map = parse_link_map(kMap, "test.map");
  ASSERT_EQ(map.sections.size(), 2u);
  const MapOutputSection *text = map.find(".text");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->address, 0x10010000u);
  EXPECT_EQ(text->align, 16u);
  ASSERT_EQ(text->inputs.size(), 3u);

  const MapInputSection &restore = text->inputs[0];
  EXPECT_EQ(restore.file, "/usr/lib/x86_64-linux-musl/libc.a");
  EXPECT_EQ(restore.member, "restore.lo");
  EXPECT_EQ(restore.section, ".text");
  ASSERT_EQ(restore.symbols.size(), 1u);
  EXPECT_EQ(restore.symbols[0].first, "__restore_rt");
  EXPECT_EQ(restore.symbols[0].second, 1u);

  const MapInputSection &main_fn = text->inputs[1];
  EXPECT_EQ(main_fn.file, "/tmp/x/0-hello.o");
  EXPECT_EQ(main_fn.member, "");
  EXPECT_EQ(main_fn.size, 0x23u);
  ASSERT_EQ(main_fn.symbols.size(), 1u) << "the $x mapping symbol is no program symbol";
  EXPECT_EQ(main_fn.symbols[0].first, "main");

  EXPECT_TRUE(text->inputs[2].synthetic);
  EXPECT_EQ(map.find(".bss")->inputs[0].section, ".bss.buf");
  EXPECT_EQ(map.find(".data"), nullptr);
}

TEST(LinkMap, DefinesListsPlacedSymbolsOnly) {
  LinkMap map = parse_link_map(kMap, "test.map");
  EXPECT_TRUE(map.defines("main"));
  EXPECT_TRUE(map.defines("buf"));
  EXPECT_FALSE(map.defines("__xisa_dummy")) << "a linker-script assignment is no input symbol";
  EXPECT_FALSE(map.defines("pthread_create"));
}

TEST(LinkMap, RejectsGarbage) {
  EXPECT_THROW(parse_link_map("header\nthis is not a map line\n", "bad.map"), xisa::Error);
}
