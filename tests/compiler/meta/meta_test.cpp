// xisa::meta::read on executables built here for all three ISAs, the
// .xisa.info format, `xisa meta check` logic, and bad input.
#include "meta/meta_check.h"
#include "meta/meta_json.h"
#include "meta/metadata.h"
#include "meta/stackmaps.h"
#include "support/callee_saved.h"
#include "support/error.h"
#include "toolchain.h"

#include <gtest/gtest.h>

#include <fmt/ranges.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

using namespace xisa;
using namespace xisa::test;

namespace {

const char *kProgram = R"(
#include <stdio.h>
#include <stdlib.h>
extern void use(int *p);
extern int g(int);
#define NOINLINE __attribute__((noinline))
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
NOINLINE long loop(int n) { long s = 0; for (int i = 0; i < n; i++) s += g(i) * (long)n; return s; }
NOINLINE int local(int n) { int x[4] = {n, n + 1, n + 2, n + 3}; use(x); return x[0] + n; }
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
NOINLINE void sorter(int *v, int n) { qsort(v, n, sizeof *v, cmp); }
NOINLINE int vla(int n) { int x[n]; x[0] = n; use(x); return x[0]; }
NOINLINE void use(int *p) { p[0] += 1; }
NOINLINE int g(int x) { return x * 3; }
int main(int argc, char **argv) {
  int v[5] = {5, 3, 1, 4, 2};
  sorter(v, 5);
  printf("%d %ld %d %d %d\n", fib(15), loop(10), local(argc), v[0], vla(argc + 2));
  return 0;
}
)";

meta::Info infoFor(Isa isa, uint8_t idByte) {
  meta::Info info;
  info.version = meta::kInfoVersion;
  info.isa = static_cast<uint32_t>(isa);
  info.build_id.fill(idByte);
  info.tls_address = 0x1000;
  info.tls_mem_size = 16;
  info.tls_align = 8;
  info.nonmig = {{"vla", "dynamic alloca (VLA or alloca())"}};
  return info;
}

// Built once: prog.<isa> for the three ISAs, each with a .xisa.info as the
// link step would write it.
class MetaTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = new TempDir;
    auto source = dir->write("prog.c", kProgram);
    auto stub = dir->write("stub.c", kStubRuntime);
    for (Isa isa : kAllIsas) {
      auto exe = prog(isa);
      RunResult linked = link(isa, {source, stub}, exe.string() + ".noinfo");
      ASSERT_EQ(linked.status, 0) << linked.output;
      addInfo(exe.string() + ".noinfo", exe, infoFor(isa, 0xab));
    }
  }
  static void TearDownTestSuite() { delete dir; }

  static std::filesystem::path prog(Isa isa) {
    return dir->path() / fmt::format("prog.{}", name(isa));
  }

  static void addInfo(const std::filesystem::path &in, const std::filesystem::path &out,
                      const meta::Info &info) {
    std::vector<uint8_t> bytes = meta::encode_info(info);
    auto section = dir->path() / "info.bin";
    std::ofstream(section, std::ios::binary)
        .write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    RunResult added = run({XISA_TEST_LLVM_BIN "/llvm-objcopy",
                           "--add-section=.xisa.info=" + section.string(), in.string(),
                           out.string()});
    ASSERT_EQ(added.status, 0) << added.output;
  }

  // `plain` with `sections` moved out of the segments and zstd-compressed,
  // as xisa-cc leaves them, in `compressed`.
  static void compressSections(const std::string &plain, const std::vector<std::string> &sections,
                               const std::string &compressed) {
    const std::string moved = (dir->path() / "moved").string();
    // objcopy compresses only sections outside the segments: move them out first.
    std::vector<std::string> move = {XISA_TEST_LLVM_BIN "/llvm-objcopy"};
    std::vector<std::string> compress = move;
    for (const std::string &section : sections) {
      std::string file = (dir->path() / (section.substr(1) + ".bin")).string();
      RunResult dumped = run({XISA_TEST_LLVM_BIN "/llvm-objcopy", "--dump-section",
                              section + "=" + file, plain, (dir->path() / "scratch").string()});
      ASSERT_EQ(dumped.status, 0) << dumped.output;
      move.insert(move.end(), {"--remove-section", section, "--add-section", section + "=" + file});
      compress.push_back("--compress-sections=" + section + "=zstd");
    }
    move.insert(move.end(), {plain, moved});
    compress.insert(compress.end(), {moved, compressed});
    RunResult moving = run(move), compressing = run(compress);
    ASSERT_EQ(moving.status, 0) << moving.output;
    ASSERT_EQ(compressing.status, 0) << compressing.output;
  }

  static TempDir *dir;
};
TempDir *MetaTest::dir = nullptr;

} // namespace

TEST_F(MetaTest, ProgramsRunTheSameOnAllIsas) {
  std::string expected;
  for (Isa isa : kAllIsas) {
    std::vector<std::string> argv = {prog(isa).string()};
    if (isa != host_isa())
      argv.insert(argv.begin(), std::string(info(isa).qemu));
    RunResult result = run(argv);
    ASSERT_EQ(result.status, 0) << name(isa) << ": " << result.output;
    if (expected.empty())
      expected = result.output;
    EXPECT_EQ(result.output, expected) << name(isa);
  }
  EXPECT_EQ(expected, "610 1350 3 1 4\n");
}

TEST_F(MetaTest, ReadsCallSitesAtReturnAddresses) {
  for (Isa isa : kAllIsas) {
    meta::Metadata meta = meta::read(prog(isa).string());
    EXPECT_EQ(meta.isa, isa);
    ASSERT_GE(meta.call_sites.size(), 8u) << name(isa);
    std::set<std::string> names;
    for (const meta::Function &function : meta.functions)
      names.insert(function.name);
    for (const char *expected : {"fib", "loop", "local", "sorter", "__real_main"})
      EXPECT_TRUE(names.count(expected)) << name(isa) << " lacks " << expected;
    EXPECT_FALSE(names.count("vla")) << "non-migratable functions have no records";
    EXPECT_FALSE(names.count("g")) << "leaf functions have no records";
    for (size_t i = 0; i < meta.call_sites.size(); ++i) {
      const meta::CallSite &site = meta.call_sites[i];
      const meta::Function &function = meta.functions.at(site.function);
      EXPECT_GT(site.return_address, function.address);
      EXPECT_LE(site.return_address, site.record_address);
      EXPECT_LT(site.record_address, function.address + function.size);
      if (i > 0) {
        EXPECT_LT(meta.call_sites[i - 1].return_address, site.return_address);
      }
      EXPECT_EQ(meta.find_return_address(site.return_address), &site);
      EXPECT_EQ(meta.find_id(site.id)->id, site.id);
      // At the return address, values live across the call can only be in
      // callee-saved registers (or memory).
      for (const meta::LiveValue &value : site.live_values)
        if (value.kind == meta::LocationKind::Register) {
          EXPECT_TRUE(is_callee_saved(isa, value.dwarf_reg))
              << name(isa) << " site " << std::hex << site.id << ": value in DWARF register "
              << std::dec << value.dwarf_reg;
        }
    }
  }
}

// The transformer reads metadata untraced and traces only the functions on
// the stacks it moves (transform::Program): traced one by one, the
// functions get what read() gives them, and one not traced keeps its
// records as they are.
TEST_F(MetaTest, UntracedMetadataIsTracedOneFunctionAtATime) {
  auto knownTexts = [](const meta::CallSite &site) {
    std::vector<std::string> texts;
    for (const meta::KnownValue &known : site.known_values)
      texts.push_back(meta::known_value_text(known));
    return texts;
  };
  for (Isa isa : kAllIsas) {
    meta::Metadata full = meta::read(prog(isa).string());
    meta::Untraced untraced = meta::Untraced::read(prog(isa).string());
    meta::Metadata &lazy = untraced.meta;
    ASSERT_EQ(lazy.call_sites.size(), full.call_sites.size()) << name(isa);
    size_t withKnown = 0;
    for (size_t i = 0; i < full.call_sites.size(); ++i) {
      EXPECT_EQ(lazy.call_sites[i].return_address, full.call_sites[i].return_address);
      EXPECT_TRUE(lazy.call_sites[i].known_values.empty());
      withKnown += !full.call_sites[i].known_values.empty();
    }
    EXPECT_GT(withKnown, 0u) << name(isa) << ": nothing to trace";

    std::vector<std::vector<meta::CallSite *>> sites = meta::sites_by_function(lazy);
    size_t loop = 0;
    while (loop < lazy.functions.size() && lazy.functions[loop].name != "loop")
      ++loop;
    ASSERT_LT(loop, lazy.functions.size()) << name(isa);
    untraced.tracer->trace(lazy.functions[loop], sites[loop]);
    for (size_t i = 0; i < full.call_sites.size(); ++i) {
      const meta::CallSite &got = lazy.call_sites[i], &want = full.call_sites[i];
      if (got.function == loop)
        EXPECT_EQ(knownTexts(got), knownTexts(want)) << name(isa) << " site " << i;
      else
        EXPECT_TRUE(got.known_values.empty()) << name(isa) << " site " << i << " was traced";
    }

    for (size_t f = 0; f < lazy.functions.size(); ++f)
      if (f != loop)
        untraced.tracer->trace(lazy.functions[f], sites[f]);
    EXPECT_EQ(meta::to_json(lazy), meta::to_json(full)) << name(isa);
  }
}

TEST_F(MetaTest, FrameRulesSaveTheReturnAddress) {
  for (Isa isa : kAllIsas) {
    meta::Metadata meta = meta::read(prog(isa).string());
    for (const meta::CallSite &site : meta.call_sites) {
      const meta::FrameRule &frame = site.frame;
      bool savesReturnAddress = false;
      for (const meta::SavedRegister &saved : frame.saved)
        if (saved.dwarf_reg == frame.return_address_reg) {
          savesReturnAddress = saved.rule == meta::SavedRegister::Rule::AtCfaOffset;
          // ppc64 keeps LR in the caller's frame header, the others below the CFA.
          if (isa == Isa::PPC64LE) {
            EXPECT_EQ(saved.value, 16);
          } else {
            EXPECT_LT(saved.value, 0);
          }
        }
      EXPECT_TRUE(savesReturnAddress) << name(isa) << " site " << std::hex << site.id;
      EXPECT_GT(frame.cfa_offset, 0) << name(isa);
    }
  }
}

TEST_F(MetaTest, InfoAndNonMigratableSectionsAreRead) {
  for (Isa isa : kAllIsas) {
    meta::Metadata meta = meta::read(prog(isa).string());
    ASSERT_TRUE(meta.info.has_value());
    EXPECT_EQ(meta.info->isa, static_cast<uint32_t>(isa));
    EXPECT_EQ(meta.info->build_id[0], 0xab);
    EXPECT_EQ(meta.info->tls_mem_size, 16u);
    ASSERT_EQ(meta.info->nonmig.size(), 1u);
    EXPECT_EQ(meta.info->nonmig[0].function, "vla");
    ASSERT_EQ(meta.nonmig.size(), 1u);
    EXPECT_EQ(meta.nonmig[0].function, "vla");
    EXPECT_EQ(meta.nonmig[0].reason, "dynamic alloca (VLA or alloca())");
  }
}

TEST_F(MetaTest, CheckAcceptsTheThreeExecutables) {
  std::vector<meta::Metadata> all;
  for (Isa isa : kAllIsas)
    all.push_back(meta::read(prog(isa).string()));
  std::vector<std::string> differences = meta::compare(all);
  EXPECT_TRUE(differences.empty()) << differences.front();
}

TEST_F(MetaTest, CheckReportsBuildIdAndCallSiteDifferences) {
  std::vector<meta::Metadata> all;
  for (Isa isa : kAllIsas)
    all.push_back(meta::read(prog(isa).string()));
  all[1].info->build_id[3] = 0;
  all[2].call_sites.pop_back();
  meta::LiveValue extra;
  extra.kind = meta::LocationKind::Constant;
  extra.type = {ValueClass::Integer, 64};
  extra.size = 8;
  extra.constant = 7;
  all[0].call_sites.front().live_values.push_back(extra);
  std::vector<std::string> differences = meta::compare(all);
  // The extra value shows against both other ISAs.
  ASSERT_EQ(differences.size(), 4u);
  std::string text;
  for (const std::string &line : differences)
    text += line + "\n";
  EXPECT_NE(text.find("build id"), std::string::npos) << text;
  EXPECT_NE(text.find("is missing"), std::string::npos) << text;
  EXPECT_NE(text.find("live values"), std::string::npos) << text;
}

TEST_F(MetaTest, ShadowFramesAreRead) {
  for (Isa isa : kAllIsas) {
    meta::Metadata meta = meta::read(prog(isa).string());
    std::map<std::string, std::string> frames;
    for (const meta::FrameLayout &frame : meta.frames)
      frames[frame.function] = frame.layout;
    // x[4]: 16 bytes at offset 0 of a 16-byte frame.
    EXPECT_EQ(frames["local"], "16 16 0+16") << name(isa);
    EXPECT_EQ(frames["fib"], "0 16") << name(isa);
    EXPECT_FALSE(frames.count("vla")) << "non-migratable functions get no shadow frame";
  }
}

// Built per ISA by stock clang (no xisa-opt), whose front ends align locals
// differently: x86-64 aligns arrays of 16 bytes or more to 16, so b sits at
// 32 there and at 20 on the others. The check must refuse that.
TEST_F(MetaTest, CheckRefusesShadowFramesThatDiffer) {
  auto source = dir->write("frames.c", R"(
#define NOINLINE __attribute__((noinline))
NOINLINE void use(int *p) { p[1] = p[0]; }
NOINLINE int two(int n) { int a[5] = {n}; int b[5] = {n + 1}; use(a); use(b); return a[1] + b[1]; }
int main(int argc, char **argv) { return two(argc) == 3 ? 0 : 1; }
)");
  auto stub = dir->write("stub.c", kStubRuntime);
  std::vector<meta::Metadata> all;
  for (Isa isa : kAllIsas) {
    auto exe = dir->path() / fmt::format("frames.{}", name(isa));
    RunResult linked = link(isa, {source, stub}, exe);
    ASSERT_EQ(linked.status, 0) << linked.output;
    all.push_back(meta::read(exe.string()));
  }
  // The rest complain of the missing .xisa.info (linked without xisa-cc).
  std::vector<std::string> differences;
  for (const std::string &difference : meta::compare(all))
    if (difference.find(".xisa.info") == std::string::npos)
      differences.push_back(difference);
  ASSERT_EQ(differences.size(), 2u) << fmt::format("{}", fmt::join(differences, "\n"));
  EXPECT_NE(differences[0].find("function two: shadow frame"), std::string::npos)
      << differences[0];
  EXPECT_NE(differences[0].find("(64 16 0+20 32+20) in"), std::string::npos) << differences[0];
  EXPECT_NE(differences[0].find("(48 16 0+20 20+20) in"), std::string::npos) << differences[0];

  RunResult check =
      run({XISA_TEST_XISA, "meta", "check", (dir->path() / "frames").string(), "--json"});
  EXPECT_EQ(check.status, 1) << check.output;
  EXPECT_NE(check.output.find("shadow frame"), std::string::npos) << check.output;
}

TEST_F(MetaTest, CliCheckAndDump) {
  std::string prefix = (dir->path() / "prog").string();
  RunResult check = run({XISA_TEST_XISA, "meta", "check", prefix, "--json"});
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_NE(check.output.find("\"ok\": true"), std::string::npos) << check.output;
  RunResult dump = run({XISA_TEST_XISA, "meta", "dump", prog(Isa::AArch64).string()});
  EXPECT_EQ(dump.status, 0) << dump.output;
  EXPECT_NE(dump.output.find("function fib"), std::string::npos) << dump.output;
  RunResult missing = run({XISA_TEST_XISA, "meta", "check", prefix + "-nonexistent"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output.find("cannot open"), std::string::npos) << missing.output;
}

// xisa-cc leaves the stackmap records and the pass's records out of the
// loaded segments, compressed (compiler/link/call_site_table.h): the reader
// finds the same in them as in plain sections.
TEST_F(MetaTest, CompressedMetadataSectionsReadTheSame) {
  const std::string plain = prog(Isa::AArch64).string();
  const std::string compressed = (dir->path() / "compressed").string();
  compressSections(plain, {".llvm_stackmaps", ".xisa.frames", ".xisa.nonmig"}, compressed);
  RunResult flags = run({XISA_TEST_LLVM_BIN "/llvm-readelf", "-SW", compressed});
  ASSERT_NE(flags.output.find(".llvm_stackmaps   PROGBITS        0000000000000000"),
            std::string::npos)
      << flags.output;

  meta::Metadata expected = meta::read(plain), got = meta::read(compressed);
  ASSERT_FALSE(expected.call_sites.empty());
  ASSERT_EQ(got.call_sites.size(), expected.call_sites.size());
  for (size_t i = 0; i < got.call_sites.size(); ++i) {
    const meta::CallSite &a = got.call_sites[i], &b = expected.call_sites[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.return_address, b.return_address);
    EXPECT_EQ(a.record_address, b.record_address);
    ASSERT_EQ(a.live_values.size(), b.live_values.size());
    for (size_t v = 0; v < a.live_values.size(); ++v) {
      EXPECT_EQ(a.live_values[v].dwarf_reg, b.live_values[v].dwarf_reg);
      EXPECT_EQ(a.live_values[v].offset, b.live_values[v].offset);
      EXPECT_EQ(a.live_values[v].type, b.live_values[v].type);
    }
  }
  ASSERT_FALSE(expected.frames.empty());
  ASSERT_EQ(got.frames.size(), expected.frames.size());
  EXPECT_EQ(got.frames[0].layout, expected.frames[0].layout);
  ASSERT_EQ(got.nonmig.size(), 1u);
  EXPECT_EQ(got.nonmig[0].function, "vla");
}

// A section that cannot be read gives one error naming the file once.
TEST_F(MetaTest, UnreadableStackMapsNameTheFileOnce) {
  const std::string broken = (dir->path() / "unreadable").string();
  compressSections(prog(Isa::X86_64).string(), {".llvm_stackmaps"}, broken);
  // Spoil the compressed bytes after the 24-byte compression header.
  RunResult headers = run({XISA_TEST_LLVM_BIN "/llvm-readelf", "-SW", broken});
  std::istringstream lines(headers.output);
  std::optional<uint64_t> offset;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line.substr(line.find(']') + 1));
    std::string name, type, address, at;
    if (words >> name >> type >> address >> at && name == ".llvm_stackmaps")
      offset = std::stoull(at, nullptr, 16);
  }
  ASSERT_TRUE(offset) << headers.output;
  std::fstream file(broken, std::ios::binary | std::ios::in | std::ios::out);
  file.seekp(std::streamoff(*offset + 24));
  file.write("\xff\xff\xff\xff\xff\xff\xff\xff", 8);
  file.close();
  try {
    meta::read(broken);
    ADD_FAILURE() << "an unreadable .llvm_stackmaps accepted";
  } catch (const Error &e) {
    std::string message = e.what();
    EXPECT_EQ(message.find(broken + ": cannot decompress .llvm_stackmaps"), 0u) << message;
    EXPECT_EQ(message.find(broken, broken.size()), std::string::npos) << message;
  }
}

TEST(MetaInput, RejectsFilesThatAreNotExecutables) {
  TempDir tmp;
  auto text = tmp.write("notes.txt", "not an ELF file\n");
  EXPECT_THROW(meta::read(text.string()), Error);
  auto source = tmp.write("x.c", "int f(int a) { return a; }\n");
  auto object = tmp.path() / "x.o";
  ASSERT_EQ(compile(Isa::PPC64LE, source, object).status, 0);
  try {
    meta::read(object.string());
    ADD_FAILURE() << "relocatable object accepted";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("not a linked executable"), std::string::npos);
  }
  EXPECT_THROW(meta::read((tmp.path() / "missing").string()), Error);
}

TEST(MetaInput, RejectsBadInfoAndStackMaps) {
  std::vector<uint8_t> info = meta::encode_info(infoFor(Isa::AArch64, 1));
  meta::Info decoded = meta::decode_info(info.data(), info.size());
  EXPECT_EQ(decoded.nonmig.size(), 1u);
  EXPECT_EQ(decoded.isa, static_cast<uint32_t>(Isa::AArch64));
  EXPECT_THROW(meta::decode_info(info.data(), 20), Error);
  EXPECT_THROW(meta::decode_info(info.data(), info.size() - 1), Error); // cut reason string
  info[0] = 'Y';
  EXPECT_THROW(meta::decode_info(info.data(), info.size()), Error);

  const char frames[] = "two\0" "64 16 0+20 32+20\0" "one\0";
  EXPECT_EQ(meta::decode_frames(reinterpret_cast<const uint8_t *>(frames), 21).size(), 1u);
  EXPECT_THROW(meta::decode_frames(reinterpret_cast<const uint8_t *>(frames), sizeof frames - 1),
               Error); // "one" without its layout

  // A stackmap blob announcing a record that is not there.
  std::vector<uint8_t> blob(16, 0);
  blob[0] = 3;
  blob[12] = 1; // one record
  EXPECT_THROW(meta::parse_stackmaps(blob), Error);
  blob[0] = 2;
  EXPECT_THROW(meta::parse_stackmaps(blob), Error);
}
