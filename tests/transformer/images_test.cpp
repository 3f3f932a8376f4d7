// CRIU image sets: write/read round trips for every ISA, decoding by CRIU's
// own pycriu (what crit runs), and clear errors for damaged images.
#include "images/image_set.h"
#include "support/error.h"
#include "test_images.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

using namespace xisa;
using namespace xisa::images;
using testing::HasSubstr;

namespace {

class ImagesPerIsa : public testing::TestWithParam<Isa> {};

TEST_P(ImagesPerIsa, RoundTrip) {
  test::TempDir dir;
  ImageSet set = test::make_image_set(GetParam());
  write_image_set(set, dir.path);
  ImageSet back = read_image_set(dir.path);
  EXPECT_EQ(back, set);
  for (const std::string &file : image_file_names(set))
    EXPECT_TRUE(std::filesystem::exists(dir.path / file)) << file;
}

nlohmann::json crit_decode(const std::filesystem::path &dir) {
  std::string cmd = "PYTHONPATH=" XISA_PYCRIU_DIR " " XISA_PYTHON " " XISA_CRIT_DECODE " " +
                    dir.string();
  std::FILE *p = popen(cmd.c_str(), "r");
  if (!p)
    throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    out.append(buf, n);
  int status = pclose(p);
  if (status != 0)
    throw std::runtime_error("crit decode failed (status " + std::to_string(status) +
                             "): " + cmd);
  return nlohmann::json::parse(out);
}

TEST_P(ImagesPerIsa, CritDecodesWhatWeWrite) {
  Isa isa = GetParam();
  test::TempDir dir;
  ImageSet set = test::make_image_set(isa);
  write_image_set(set, dir.path);
  nlohmann::json img = crit_decode(dir.path);

  EXPECT_EQ(img["inventory.img"]["magic"], "INVENTORY");
  EXPECT_EQ(img["inventory.img"]["entries"][0]["img_version"], 2);
  const nlohmann::json &pstree = img["pstree.img"]["entries"][0];
  EXPECT_EQ(pstree["pid"], 42);
  EXPECT_EQ(pstree["threads"], nlohmann::json({42, 43}));

  const nlohmann::json &core = img["core-42.img"]["entries"][0];
  EXPECT_EQ(core["tc"]["comm"], "prog");
  EXPECT_EQ(img["core-43.img"]["entries"][0]["thread_core"]["comm"], "worker");
  // crit prints hex-marked fields as "0x..." strings.
  switch (isa) {
  case Isa::X86_64:
    EXPECT_EQ(core["mtype"], "X86_64");
    EXPECT_EQ(core["thread_info"]["gpregs"]["fs_base"], "0x500000");
    EXPECT_EQ(core["thread_info"]["gpregs"]["ip"], "0x401000");
    EXPECT_EQ(core["thread_info"]["fpregs"]["xmm_space"].size(), 64u);
    break;
  case Isa::AArch64:
    EXPECT_EQ(core["mtype"], "AARCH64");
    EXPECT_EQ(core["ti_aarch64"]["tls"], 0x500000);
    EXPECT_EQ(core["ti_aarch64"]["gpregs"]["pc"], "0x401000");
    EXPECT_EQ(core["ti_aarch64"]["fpsimd"]["vregs"].size(), 64u);
    break;
  case Isa::PPC64LE:
    EXPECT_EQ(core["mtype"], "PPC64");
    EXPECT_EQ(core["ti_ppc64"]["gpregs"]["gpr"][13], "0x507000");
    EXPECT_EQ(core["ti_ppc64"]["gpregs"]["nip"], "0x401000");
    EXPECT_EQ(core["ti_ppc64"]["fpstate"]["fpregs"].size(), 33u);
    break;
  }
  const nlohmann::json &mm = img["mm-42.img"]["entries"][0];
  EXPECT_EQ(mm["exe_file_id"], 7);
  EXPECT_EQ(mm["vmas"].size(), 2u);
  EXPECT_EQ(mm["vmas"][1]["start"], "0x500000");
  EXPECT_EQ(img["pagemap-42.img"]["entries"][0]["pages_id"], 1);
  EXPECT_EQ(img["pagemap-42.img"]["entries"][1]["vaddr"], "0x500000");
  EXPECT_EQ(img["pagemap-42.img"]["entries"][1]["nr_pages"], 2);
  const nlohmann::json &exe = img["files.img"]["entries"][0];
  EXPECT_EQ(exe["type"], "REG");
  EXPECT_EQ(exe["reg"]["name"], "/usr/bin/prog." + std::string(name(isa)));
  EXPECT_EQ(img["fs-42.img"]["entries"][0]["cwd_id"], 8);
}

INSTANTIATE_TEST_SUITE_P(AllIsas, ImagesPerIsa, testing::ValuesIn(kAllIsas),
                         [](const auto &info) { return std::string(name(info.param)); });

TEST(Memory, ReadsAndWritesAcrossRuns) {
  Memory m;
  std::vector<uint8_t> pages(2 * kPageSize, 0);
  m.append(0x10000, pages);
  m.append(0x12000, pages); // adjacent: merged
  m.append(0x20000, pages);
  ASSERT_EQ(m.runs.size(), 2u);
  EXPECT_EQ(m.runs[0].nr_pages, 4u);
  m.store64(0x11ffc, 0x1122334455667788); // straddles a page boundary
  EXPECT_EQ(m.load64(0x11ffc), 0x1122334455667788u);
  EXPECT_TRUE(m.contains(0x20000, 2 * kPageSize));
  EXPECT_FALSE(m.contains(0x1fff8, 16));
  EXPECT_THAT([&] { m.load64(0x15000); },
              testing::ThrowsMessage<Error>(HasSubstr("0x15000 (reading 8 bytes at 0x15000) is not in")));
  EXPECT_THROW(m.append(0x10000, pages), Error);
}

// Damage one file of a good set and expect read_image_set to name it.
void expect_damage_reported(const std::string &file,
                            const std::function<void(std::string &)> &damage,
                            const std::string &message) {
  test::TempDir dir;
  write_image_set(test::make_image_set(Isa::X86_64), dir.path);
  std::filesystem::path path = dir.path / file;
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  damage(bytes);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_THAT([&] { read_image_set(dir.path); },
              testing::ThrowsMessage<Error>(testing::AllOf(HasSubstr(file), HasSubstr(message))));
}

TEST(ImagesDamaged, TruncatedCore) {
  expect_damage_reported("core-42.img", [](std::string &b) { b.resize(b.size() / 2); },
                         "truncated");
}

TEST(ImagesDamaged, WrongMagic) {
  expect_damage_reported("mm-42.img", [](std::string &b) { b[5] ^= 0x40; }, "magic");
}

TEST(ImagesDamaged, GarbageEntry) {
  expect_damage_reported("pstree.img", [](std::string &b) {
    for (size_t i = 12; i < b.size(); ++i)
      b[i] = char(0xff);
  }, "not a valid pstree_entry");
}

TEST(ImagesDamaged, ShortPages) {
  expect_damage_reported("pages-1.img", [](std::string &b) { b.resize(100); },
                         "truncated or corrupt");
}

TEST(ImagesDamaged, EveryTruncationIsRefusedCleanly) {
  // Cut every image file at a spread of lengths: each read must end in an
  // xisa::Error naming the file, never a crash or a silently short set.
  test::TempDir good;
  write_image_set(test::make_image_set(Isa::PPC64LE), good.path);
  for (const auto &entry : std::filesystem::directory_iterator(good.path)) {
    std::string file = entry.path().filename().string();
    uint64_t size = entry.file_size();
    for (uint64_t cut : {uint64_t(0), uint64_t(3), uint64_t(7), size / 3, size / 2, size - 1}) {
      if (cut >= size)
        continue;
      test::TempDir dir;
      for (const auto &e : std::filesystem::directory_iterator(good.path))
        std::filesystem::copy_file(e.path(), dir.path / e.path().filename());
      std::filesystem::resize_file(dir.path / file, cut);
      EXPECT_THAT([&] { read_image_set(dir.path); },
                  testing::ThrowsMessage<Error>(HasSubstr(file)))
          << file << " cut to " << cut << " bytes";
    }
  }
}

TEST(ImagesDamaged, MissingFile) {
  test::TempDir dir;
  write_image_set(test::make_image_set(Isa::AArch64), dir.path);
  std::filesystem::remove(dir.path / "core-43.img");
  EXPECT_THAT([&] { read_image_set(dir.path); },
              testing::ThrowsMessage<Error>(HasSubstr("cannot open image")));
}

TEST(ImagesDamaged, NotADirectory) {
  EXPECT_THAT([] { read_image_set("/nonexistent/xisa"); },
              testing::ThrowsMessage<Error>(HasSubstr("is not a directory of CRIU images")));
}

} // namespace
