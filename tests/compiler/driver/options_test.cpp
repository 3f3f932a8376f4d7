#include "driver/options.h"
#include "support/error.h"

#include <cstdio>
#include <gtest/gtest.h>

using namespace xisa;
using namespace xisa::driver;

static bool contains(const std::vector<std::string> &v, const std::string &s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(Options, CompileFlagsAndDependencyFlags) {
  Options o = parse_options({"-c", "-O2", "-g", "-Iinc", "-D", "X=1", "-std=c11", "-Wall",
                             "-fno-strict-aliasing", "-MD", "-MF", "a.d", "-MT", "a.o", "-MP",
                             "a.c", "-o", "a.o", "-pthread"});
  EXPECT_EQ(o.mode, Mode::Compile);
  EXPECT_EQ(o.output, "a.o");
  ASSERT_EQ(o.inputs.size(), 1u);
  EXPECT_EQ(o.inputs[0].kind, Input::Kind::CSource);
  for (const char *flag : {"-O2", "-g", "-Iinc", "-std=c11", "-Wall", "-fno-strict-aliasing",
                           "-pthread"})
    EXPECT_TRUE(contains(o.compile_flags, flag)) << flag;
  EXPECT_TRUE(contains(o.compile_flags, "X=1"));
  EXPECT_FALSE(contains(o.compile_flags, "-MD")) << "dependency flags go to the host compile only";
  EXPECT_EQ(o.dep_flags, (std::vector<std::string>{"-MD", "-MF", "a.d", "-MT", "a.o", "-MP"}));
  EXPECT_TRUE(o.wants_deps && o.has_dep_file && o.has_dep_target);
}

TEST(Options, LinkInputsInOrder) {
  Options o = parse_options({"main.o", "-L.", "-lfoo", "libbar.a", "-Wl,--gc-sections,-O1",
                             "-Xlinker", "--no-undefined", "-o", "prog",
                             "--xisa-targets=ppc64le,x86_64"});
  EXPECT_EQ(o.mode, Mode::Link);
  ASSERT_EQ(o.inputs.size(), 3u);
  EXPECT_EQ(o.inputs[0].kind, Input::Kind::Object);
  EXPECT_EQ(o.inputs[1].kind, Input::Kind::Library);
  EXPECT_EQ(o.inputs[1].path, "foo");
  EXPECT_EQ(o.inputs[2].kind, Input::Kind::Archive);
  EXPECT_EQ(o.lib_dirs, std::vector<std::string>{"."});
  EXPECT_EQ(o.linker_flags, (std::vector<std::string>{"--gc-sections", "-O1", "--no-undefined"}));
  EXPECT_EQ(o.targets, (std::vector<Isa>{Isa::X86_64, Isa::PPC64LE})) << "table order";
}

TEST(Options, ModesAndQueries) {
  EXPECT_EQ(parse_options({"-E", "-"}).mode, Mode::Preprocess);
  EXPECT_EQ(parse_options({"-E", "-"}).inputs[0].kind, Input::Kind::Stdin);
  EXPECT_EQ(parse_options({"-M", "a.c"}).mode, Mode::Preprocess);
  EXPECT_EQ(parse_options({"-S", "a.c"}).mode, Mode::Assemble);
  EXPECT_EQ(parse_options({"-dumpmachine"}).query, Query::DumpMachine);
  Options f = parse_options({"-print-file-name=libc.a"});
  EXPECT_EQ(f.query, Query::PrintFileName);
  EXPECT_EQ(f.query_arg, "libc.a");
  Options x = parse_options({"-x", "c", "conftest.in"});
  EXPECT_EQ(x.inputs[0].kind, Input::Kind::CSource) << "-x c makes any file C";
}

TEST(Options, ResponseFiles) {
  char path[] = "/tmp/xisa-options-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::FILE *f = fdopen(fd, "w");
  std::fputs("-O2 \"-DMSG=hello world\" 'b c.c'\n-c\n", f);
  std::fclose(f);
  Options o = parse_options({std::string("@") + path});
  std::remove(path);
  EXPECT_EQ(o.mode, Mode::Compile);
  EXPECT_TRUE(contains(o.compile_flags, "-DMSG=hello world"));
  ASSERT_EQ(o.inputs.size(), 1u);
  EXPECT_EQ(o.inputs[0].path, "b c.c");
}

TEST(Options, UnsupportedInputsAndFlagsAreErrors) {
  auto message = [](std::vector<std::string> args) {
    try {
      parse_options(args);
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(message({"x.cpp"}).find("C only"), std::string::npos);
  EXPECT_NE(message({"x.s"}).find("assembly"), std::string::npos);
  EXPECT_NE(message({"-shared", "a.o"}).find("static"), std::string::npos);
  EXPECT_NE(message({"libz.so"}).find("shared libraries"), std::string::npos);
  EXPECT_NE(message({"-march=native", "a.c"}).find("ISA-specific"), std::string::npos);
  EXPECT_NE(message({"-x", "c++", "a"}).find("C only"), std::string::npos);
  EXPECT_NE(message({"--xisa-targets=riscv64"}).find("unknown ISA 'riscv64'"), std::string::npos);
  EXPECT_NE(message({"-o"}).find("needs a value"), std::string::npos);
  EXPECT_NE(message({"@/nonexistent/rsp"}).find("response file"), std::string::npos);
  EXPECT_NE(message({"-Wl,-T,my.ld", "a.o"}).find("linker scripts"), std::string::npos);
}
