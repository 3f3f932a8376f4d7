// Stack, register and TLS transformation on synthetic parked processes of
// 1, 16 and 256 frames, between every pair of ISAs, plus the refusals.
#include "images/image_set.h"
#include "support/error.h"
#include "synthetic_stack.h"
#include "test_images.h"
#include "transform/image_transform.h"
#include "transform/musl_tls.h"
#include "transform/registers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <map>

using namespace xisa;
using namespace xisa::images;
using testing::HasSubstr;

namespace {

// The synthetic ppc64 program `ppc` with metadata `m` instead of its own.
transform::Program ppc_with(const transform::Program &ppc, meta::Metadata m) {
  return transform::Program(
      std::move(m), {ppc.loads(),
                     {{"__xisa_base_ret_main", ppc.base_return("__xisa_base_ret_main")}},
                     0x10008000,
                     0x3000,
                     {},
                     test::kJmpBufTable});
}

void expect_frames(const ImageSet &set, Isa isa, size_t depth, unsigned thread = 0) {
  const Process &p = set.processes.front();
  ASSERT_EQ(isa_of(p.threads.at(thread).info), isa);
  transform::RegFile regs = transform::reg_file(p.threads[thread].info);
  std::vector<test::FrameValues> got;
  ASSERT_NO_THROW(got = test::read_stack(isa, depth, regs, p.memory, thread * test::kThreadShift));
  ASSERT_EQ(got.size(), depth);
  for (size_t k = 0; k < depth; ++k) {
    test::FrameValues want = test::values_for_frame(k);
    EXPECT_EQ(got[k].v0, want.v0) << "frame " << k;
    EXPECT_EQ(got[k].v1, want.v1) << "frame " << k;
    EXPECT_EQ(got[k].v2, want.v2) << "frame " << k << " (double)";
    EXPECT_EQ(got[k].v4, want.v4) << "frame " << k << " (int)";
  }
}

// Musl's descriptor after the move: fields where the destination expects them.
void expect_thread_area(const Memory &m, Isa isa, unsigned thread = 0) {
  bool x86 = isa == Isa::X86_64;
  uint64_t shift = thread * test::kThreadShift, dtv = test::kDtv + shift;
  uint64_t self = test::kTlsSelf + shift, part2 = self + (x86 ? 48 : 32);
  EXPECT_EQ(m.load64(self), self);
  EXPECT_EQ(m.load64(self + (x86 ? 8 : 192)), dtv) << "dtv";
  EXPECT_EQ(m.load64(self + (x86 ? 40 : 184)), 0xcafeu) << "canary";
  EXPECT_EQ(m.load64(part2), 4242u) << "tid";
  EXPECT_EQ(m.load64(part2 + 88), part2 + 88) << "robust list head";
  uint64_t tls = x86 ? self - test::kTlsSize : self + 200 + (isa == Isa::AArch64 ? 16 : 0);
  for (uint64_t i = 0; i < test::kTlsSize; i += 8)
    EXPECT_EQ(m.load64(tls + i), 0x7700 + i) << "TLS word " << i;
  EXPECT_EQ(m.load64(dtv + 8), tls + (isa == Isa::PPC64LE ? 0x8000 : 0)) << "dtv[1]";
}

using Case = std::tuple<Isa, Isa, size_t>;
class TransformPair : public testing::TestWithParam<Case> {};

TEST_P(TransformPair, FramesRegistersAndTls) {
  auto [from, to, depth] = GetParam();
  ImageSet set = test::make_parked_set(from, depth);
  transform::Program src = test::make_program(from), dst = test::make_program(to);
  transform::Report report = transform::transform_image_set(set, src, dst);
  ASSERT_EQ(report.threads.size(), 1u);
  EXPECT_EQ(report.threads[0].frames, depth);
  expect_frames(set, to, depth);
  const Process &p = set.processes.front();
  expect_thread_area(p.memory, to);
  EXPECT_EQ(report.exe_pages_dropped, 2u);
  EXPECT_FALSE(p.memory.contains(test::kExeStart, 1)) << "source code pages left behind";
  EXPECT_TRUE(p.mm.mm_saved_auxv.empty());
  EXPECT_EQ(set.files.find(test::kExeFileId)->name, dst.path());
  if (to == Isa::PPC64LE) {
    EXPECT_EQ(transform::reg_file(p.threads.front().info).get(2), 0x10008000u) << "TOC";
  }
}

std::string case_name(const testing::TestParamInfo<Case> &info) {
  auto [from, to, depth] = info.param;
  return std::string(name(from)) + "_to_" + std::string(name(to)) + "_" + std::to_string(depth);
}

INSTANTIATE_TEST_SUITE_P(AllPairs, TransformPair,
                         testing::Combine(testing::ValuesIn(kAllIsas), testing::ValuesIn(kAllIsas),
                                          testing::Values(size_t(1), size_t(16), size_t(256))),
                         case_name);

TEST(Transform, RoundTripThroughAllIsas) {
  constexpr size_t depth = 16;
  ImageSet set = test::make_parked_set(Isa::X86_64, depth);
  const Isa hops[] = {Isa::X86_64, Isa::AArch64, Isa::PPC64LE, Isa::X86_64};
  for (size_t i = 1; i < std::size(hops); ++i)
    transform::transform_image_set(set, test::make_program(hops[i - 1]),
                                   test::make_program(hops[i]));
  expect_frames(set, Isa::X86_64, depth);
  expect_thread_area(set.processes.front().memory, Isa::X86_64);
}

TEST(Transform, EveryThreadWithItsOwnStackAndTls) {
  ImageSet set = test::make_parked_set(Isa::PPC64LE, 16, 3);
  transform::Report report = transform::transform_image_set(
      set, test::make_program(Isa::PPC64LE), test::make_program(Isa::AArch64));
  ASSERT_EQ(report.threads.size(), 3u);
  for (unsigned t = 0; t < 3; ++t) {
    expect_frames(set, Isa::AArch64, 16, t);
    expect_thread_area(set.processes.front().memory, Isa::AArch64, t);
  }
}

TEST(Transform, ImagesSurviveWriteAndRead) {
  ImageSet set = test::make_parked_set(Isa::AArch64, 16);
  transform::transform_image_set(set, test::make_program(Isa::AArch64),
                                 test::make_program(Isa::PPC64LE));
  test::TempDir dir;
  write_image_set(set, dir.path);
  expect_frames(read_image_set(dir.path), Isa::PPC64LE, 16);
}

// Callee-saved registers that function 0 (the innermost frame's) leaves
// alone on each ISA.
const std::map<Isa, std::pair<uint16_t, uint16_t>> kFreeRegisters = {
    {Isa::X86_64, {12, 13}}, {Isa::AArch64, {20, 21}}, {Isa::PPC64LE, {28, 29}}};

// The registers of the innermost frame rebuilt on `to` from a synthetic
// x86_64 stack, where function 0's migration point has `known` values.
transform::RegFile rebuilt_with(Isa to, const std::vector<meta::KnownValue> &known) {
  meta::Metadata m = test::make_program(to).meta();
  for (meta::CallSite &site : m.call_sites)
    if (site.id == 1001) // function 0's migration point
      site.known_values.insert(site.known_values.end(), known.begin(), known.end());
  ImageSet set = test::make_parked_set(Isa::X86_64, 3);
  transform::transform_image_set(set, test::make_program(Isa::X86_64),
                                 transform::Program(m, test::elf_facts(to)));
  return transform::reg_file(set.processes.front().threads[0].info);
}

// The destination's code keeps, in registers no record names, values
// derived from a live value and shifted right after the sum (matmul's
// __real_main on AArch64 keeps ((n & ~1) - 2) >> 1 in x22 as a later loop's
// trip count): the rebuilt innermost frame holds them, each shifted as its
// known value says.
TEST(Transform, KnownValuesAreShiftedAfterTheirSum) {
  for (Isa to : kAllIsas) {
    auto [logical, arithmetic] = kFreeRegisters.at(to);
    transform::RegFile regs =
        rebuilt_with(to, {{.dwarf_reg = logical,
                           .base = meta::KnownValue::Base::LiveValue,
                           .offset = -2,
                           .shift_right = 1},
                          {.dwarf_reg = arithmetic,
                           .base = meta::KnownValue::Base::LiveValue,
                           .negated = true,
                           .offset = 2,
                           .shift_right = 3,
                           .shift_signed = true}});
    int64_t v0 = int64_t(test::values_for_frame(0).v0);
    EXPECT_EQ(regs.get(logical), uint64_t(v0 - 2) >> 1) << name(to);
    EXPECT_EQ(int64_t(regs.get(arithmetic)), (2 - v0) >> 3) << name(to) << " (negative)";
  }
}

// The destination's code keeps a 32-bit value beside the extended copy its
// record names (x86's setjmp parse keeps the char in r12d, recording r13 =
// r12 - 48; ppc64's hanoi counts n in r29, recording extsw r25): the
// rebuilt frame holds the low 4 bytes of the live value plus the offset,
// zero- or sign-extended as the known value says, whatever the sum has above.
TEST(Transform, KnownValuesKeepOnlyTheLowBytesOfALiveValue) {
  for (Isa to : kAllIsas) {
    auto [zero, sign] = kFreeRegisters.at(to);
    auto low4 = [](uint16_t reg, int64_t offset, bool sign_extended) {
      return meta::KnownValue{.dwarf_reg = reg,
                              .base = meta::KnownValue::Base::LiveValue,
                              .offset = offset,
                              .low = 4,
                              .sign_extended = sign_extended};
    };
    int64_t v0 = int64_t(test::values_for_frame(0).v0);
    // Below zero as 32 bits: the extension decides the upper half.
    transform::RegFile regs =
        rebuilt_with(to, {low4(zero, -v0 - 16, false), low4(sign, -v0 - 16, true)});
    EXPECT_EQ(regs.get(zero), 0xfffffff0u) << name(to);
    EXPECT_EQ(regs.get(sign), 0xfffffffffffffff0u) << name(to);
    // Bits above the low 4 bytes of the sum are dropped.
    int64_t above = int64_t(1) << 40;
    regs = rebuilt_with(to, {low4(zero, above + 16, false), low4(sign, above + 16, true)});
    EXPECT_EQ(regs.get(zero), uint64_t(v0 + 16)) << name(to);
    EXPECT_EQ(regs.get(sign), uint64_t(v0 + 16)) << name(to);
  }
}

void expect_refused(ImageSet set, const transform::Program &src, const transform::Program &dst,
                    const std::string &message) {
  EXPECT_THAT([&] { transform::transform_image_set(set, src, dst); },
              testing::ThrowsMessage<Error>(HasSubstr(message)));
}

TEST(TransformRefuses, BuildIdMismatch) {
  expect_refused(test::make_parked_set(Isa::X86_64, 4), test::make_program(Isa::X86_64),
                 test::make_program(Isa::AArch64, {9, 9, 9}), "build id mismatch");
}

TEST(TransformRefuses, ImageBuildIdMismatch) {
  ImageSet set = test::make_parked_set(Isa::X86_64, 4);
  set.files.find(test::kExeFileId)->build_id = {0xdead, 0, 0, 0};
  expect_refused(set, test::make_program(Isa::X86_64), test::make_program(Isa::AArch64),
                 "the image's executable has");
}

TEST(TransformRefuses, ImageOfAnotherIsa) {
  expect_refused(test::make_parked_set(Isa::PPC64LE, 4), test::make_program(Isa::X86_64),
                 test::make_program(Isa::AArch64), "was dumped on ppc64le");
}

TEST(TransformRefuses, NotParkedAtAMigrationPoint) {
  ImageSet set = test::make_parked_set(Isa::AArch64, 4);
  std::get<Aarch64ThreadInfo>(set.processes[0].threads[0].info).pc += 4;
  expect_refused(set, test::make_program(Isa::AArch64), test::make_program(Isa::X86_64),
                 "not a migration call site");
}

TEST(TransformRefuses, FrameWithoutMetadata) {
  ImageSet set = test::make_parked_set(Isa::X86_64, 3);
  // The outermost frame's return address (at CFA - 8) no longer leads to the base.
  Memory &m = set.processes[0].memory;
  m.store64(test::kBaseFp - 8, 0x123456);
  expect_refused(set, test::make_program(Isa::X86_64), test::make_program(Isa::AArch64),
                 "neither a call site with metadata nor a base-frame label");
}

TEST(Transform, SameIsaKeepsAnUnlabelledBaseReturn) {
  // A runtime without base-return labels still restores on its own ISA.
  ImageSet set = test::make_parked_set(Isa::AArch64, 3);
  transform::Program arm = test::make_program(Isa::AArch64);
  meta::Metadata m = arm.meta();
  transform::Program unlabelled(m, {arm.loads(), {}});
  transform::transform_image_set(set, unlabelled, unlabelled);
  transform::RegFile regs = transform::reg_file(set.processes[0].threads[0].info);
  // The outermost frame (function 2) saves the return address at CFA - 8.
  uint64_t outer_cfa = test::kBaseFp;
  EXPECT_EQ(set.processes[0].memory.load64(outer_cfa - 8), arm.base_return("__xisa_base_ret_main"));
  EXPECT_EQ(regs.pc, arm.meta().call_sites[1].return_address);
}

TEST(Transform, ConstantsAndGotComeFromTheDestination) {
  // A data segment after the code: [+0x2000, +0x4000) from the file, then
  // the heap; one run of dumped pages spans both mappings.
  ImageSet set = test::make_parked_set(Isa::X86_64, 2);
  Process &p = set.processes.front();
  uint64_t data = test::kExeStart + 0x2000, heap = test::kExeStart + 0x4000;
  p.mm.vmas.insert(p.mm.vmas.begin() + 1,
                   {{data, heap, 0x2000, test::kExeFileId, PROT_READ | PROT_WRITE, MAP_PRIVATE,
                     test::kVmaRegular | test::kVmaFilePrivate, -1, {}, {}},
                    {heap, heap + 0x1000, 0, 0, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, test::kVmaRegular | test::kVmaAnonPrivate, -1, {}, {}}});
  p.memory.ensure(data + 0x1000, 0x2000);
  p.memory.write(data + 0x1000, std::vector<uint8_t>(0x2000, 0xaa));

  transform::Program arm = test::make_program(Isa::AArch64);
  std::vector<uint8_t> got(16, 0x11), rodata(24, 0x22);
  transform::Program dst(arm.meta(), {arm.loads(),
                                      {{"__xisa_base_ret_main", arm.base_return("__xisa_base_ret_main")}},
                                      0,
                                      0,
                                      {{data + 0x100, got}, {data + 0x1010, rodata}}});
  transform::transform_image_set(set, test::make_program(Isa::X86_64), dst);
  const Memory &m = p.memory;
  std::vector<uint8_t> bytes(24);
  m.read(data + 0x100, {bytes.data(), 16}); // a page the source never dirtied
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 16), got);
  m.read(data + 0x1010, bytes);
  EXPECT_EQ(bytes, rodata);
  EXPECT_EQ(m.load64(data + 0x1008), 0xaaaaaaaaaaaaaaaaull) << "program data next to a constant";
  EXPECT_EQ(m.load64(heap), 0xaaaaaaaaaaaaaaaaull) << "heap";
}

TEST(Transform, LivePointerIntoTlsMovesWithTheBlock) {
  // Frame 0 keeps the address of a __thread variable (8 bytes into the
  // block) in the slot of its live value v1.
  ImageSet set = test::make_parked_set(Isa::X86_64, 3);
  Process &p = set.processes.front();
  transform::Program x86 = test::make_program(Isa::X86_64), arm = test::make_program(Isa::AArch64);
  uint64_t src_tls = transform::reg_file(p.threads[0].info).tp + x86.info().tp_offset;
  uint64_t slot = 0;
  for (uint64_t a = test::kStackTop - test::kStackBytes; a < test::kStackTop && !slot; a += 8)
    if (p.memory.load64(a) == test::values_for_frame(0).v1)
      slot = a;
  ASSERT_NE(slot, 0u) << "frame 0's v1 is not on the synthetic stack";
  p.memory.store64(slot, src_tls + 8);
  transform::transform_image_set(set, x86, arm);
  transform::RegFile regs = transform::reg_file(p.threads[0].info);
  std::vector<test::FrameValues> got = test::read_stack(Isa::AArch64, 3, regs, p.memory);
  EXPECT_EQ(got[0].v1, regs.tp + arm.info().tp_offset + 8);
  EXPECT_EQ(got[1].v1, test::values_for_frame(1).v1) << "a value that is no TLS address stays";
}

// ppc64 keeps compares in its non-volatile condition-register fields
// cr2-cr4: the destination's known values say which, and the transformer
// computes them from the rebuilt live values into the thread's CR, or into
// the word a callee's prologue saved them in.
TEST(Transform, ConditionFieldsComeFromComparisons) {
  ImageSet set = test::make_parked_set(Isa::X86_64, 2);
  transform::Program ppc = test::make_program(Isa::PPC64LE);
  meta::Metadata m = ppc.meta();
  auto known = [](uint16_t reg, uint32_t live, int64_t offset, meta::Comparison compare) {
    meta::KnownValue value;
    value.dwarf_reg = reg;
    value.base = meta::KnownValue::Base::LiveValue;
    value.live_value = live;
    value.offset = offset;
    value.comparison = compare;
    return value;
  };
  for (meta::CallSite &site : m.call_sites) {
    if (site.id == 1001) { // frame 0: v0 = 0x1000, v4 = 0x30000 (live 4, an i32)
      site.known_values = {known(70, 0, 0, {true, 8, 4, 0}),        // LT
                           known(71, 0, 0x2f000, {true, 8, 4, 0}),  // EQ
                           known(72, 4, 0, {false, 4, {}, -1})};    // LT unsigned
      site.frame.saved.push_back({72, meta::SavedRegister::Rule::AtCfaOffset, 8});
    } else if (site.id == 1002) { // frame 1: v0 = 0x1001; cr4 GT, saved by frame 0
      site.known_values = {known(72, 0, 0, {true, 8, {}, 0x1000})};
    }
  }
  transform::Program dst = ppc_with(ppc, m);
  transform::transform_image_set(set, test::make_program(Isa::X86_64), dst);
  const Process &p = set.processes.front();
  transform::RegFile regs = transform::reg_file(p.threads[0].info);
  EXPECT_EQ(regs.get(70), 8u) << "cr2";
  EXPECT_EQ(regs.get(71), 2u) << "cr3";
  EXPECT_EQ(regs.get(72), 8u) << "cr4";
  EXPECT_EQ(std::get<Ppc64ThreadInfo>(p.threads[0].info).ccr, 0x00828000u);
  uint64_t cfa0 = p.memory.load64(regs.get(1)); // the back chain
  uint32_t saved = 0;
  p.memory.read(cfa0 + 8, {reinterpret_cast<uint8_t *>(&saved), 4});
  EXPECT_EQ(saved, 0x4000u) << "frame 1's cr4 in frame 0's save word";
  expect_frames(set, Isa::PPC64LE, 2);
}

// A field's bits from two comparisons, one of andi.'s masked bits and
// complemented, and a number (`crmove 8, 2` before matmul's final-loop poll
// on ppc64).
TEST(Transform, ConditionFieldBitsComeFromSeveralComparisons) {
  ImageSet set = test::make_parked_set(Isa::X86_64, 2);
  transform::Program ppc = test::make_program(Isa::PPC64LE);
  meta::Metadata m = ppc.meta();
  constexpr uint8_t no = meta::Comparison::kNoBit;
  constexpr uint64_t all = ~uint64_t(0);
  auto known = [](uint16_t reg, meta::Comparison compare) {
    meta::KnownValue value;
    value.dwarf_reg = reg;
    value.base = meta::KnownValue::Base::LiveValue; // v0 = 0x1000 in frame 0
    value.comparison = compare;
    return value;
  };
  meta::KnownValue ones; // cr3.so set
  ones.dwarf_reg = 71;
  ones.offset = 1;
  for (meta::CallSite &site : m.call_sites)
    if (site.id == 1001)
      site.known_values = {
          known(70, {true, 8, {}, 0x1000, all, {2, no, no, no}, 0}), // lt = (v0 == 0x1000)
          known(70, {true, 8, {}, 0x2000, all, {no, 1, 2, 3}, 0}),   // v0 < 0x2000: gt, eq clear
          // andi. 0xfff: (v0 & 0xfff) == 0; gt = !eq, eq = !lt
          known(71, {false, 8, {}, 0, 0xfff, {no, 2, 0, no}, 4 | 2}),
          ones};
  transform::Program dst = ppc_with(ppc, m);
  transform::transform_image_set(set, test::make_program(Isa::X86_64), dst);
  transform::RegFile regs = transform::reg_file(set.processes.front().threads[0].info);
  EXPECT_EQ(regs.get(70), 8u) << "cr2";
  EXPECT_EQ(regs.get(71), 3u) << "cr3";
}

// ppc64 keeps a scalar in a vector register in its first doubleword, in
// bytes 8-15 of the register images: a double live in v20 (DWARF 97),
// with the 8 bytes LLVM's record gives it, is written there and read from
// there (it was read from bytes 0-7, cut to the record's size first).
TEST(Transform, PpcScalarInAVectorRegisterIsItsUpperHalf) {
  transform::Program ppc = test::make_program(Isa::PPC64LE);
  meta::Metadata m = ppc.meta();
  const uint16_t v20 = 97;
  for (meta::CallSite &site : m.call_sites)
    if (site.id == 1001) // frame 0: live value 2 is the double 0.5
      site.live_values[2] = {meta::LocationKind::Register, 8, v20, 0, 0,
                             {ValueClass::Float, 64}};
  transform::Program dst = ppc_with(ppc, m);
  ImageSet set = test::make_parked_set(Isa::X86_64, 2);
  transform::transform_image_set(set, test::make_program(Isa::X86_64), dst);
  Process &p = set.processes.front();
  transform::RegFile regs = transform::reg_file(p.threads[0].info);
  EXPECT_EQ(regs.regs[v20].hi, std::bit_cast<uint64_t>(0.5)) << "v20's first doubleword";

  // Back to x86-64 from a v20 whose other doubleword is not the value.
  regs.regs[v20] = {0x1111, std::bit_cast<uint64_t>(7.25)};
  p.threads[0].info = transform::thread_info(Isa::PPC64LE, regs);
  transform::transform_image_set(set, dst, test::make_program(Isa::X86_64));
  transform::RegFile x86 = transform::reg_file(p.threads[0].info);
  EXPECT_EQ(test::read_stack(Isa::X86_64, 2, x86, p.memory)[0].v2, std::bit_cast<uint64_t>(7.25));
}

TEST(TransformRefuses, CorruptFrameChain) {
  ImageSet set = test::make_parked_set(Isa::X86_64, 3);
  // Point the innermost frame's saved rbp below its own frame.
  transform::RegFile regs = transform::reg_file(set.processes[0].threads[0].info);
  uint64_t cfa0 = regs.get(6) + 16;
  set.processes[0].memory.store64(cfa0 - 16, regs.get(7) - 0x1000);
  expect_refused(set, test::make_program(Isa::X86_64), test::make_program(Isa::AArch64),
                 "the stack is corrupt");
}

TEST(TransformRefuses, CallSiteMissingInDestination) {
  transform::Program src = test::make_program(Isa::X86_64);
  meta::Metadata m = test::make_program(Isa::AArch64).meta();
  std::erase_if(m.call_sites, [](const meta::CallSite &s) { return s.id == 1001; });
  transform::Program dst(m, {{}, {{"__xisa_base_ret_main", 0x400810}}});
  expect_refused(test::make_parked_set(Isa::X86_64, 2), src, dst, "call site 0x3e9 (frame 0) has no record");
}

TEST(TransformRefuses, FrameTooSmallForItsSaveSlots) {
  meta::Metadata m = test::make_program(Isa::AArch64).meta();
  m.functions[0].stack_size = 16; // its saves reach 32 bytes below the CFA
  transform::Program dst(m, {{}, {{"__xisa_base_ret_main", 0x400810}}});
  expect_refused(test::make_parked_set(Isa::X86_64, 4), test::make_program(Isa::X86_64), dst,
                 "the metadata's frame size is wrong");
}

TEST(TransformRefuses, CallerSavedRegisterLocation) {
  // A live value in xmm0 at a call: true at the stackmap point after a
  // reload, never at the return address.
  meta::Metadata m = test::make_program(Isa::X86_64).meta();
  for (meta::CallSite &s : m.call_sites)
    s.live_values[2] = {meta::LocationKind::Register, 16, 17, 0, 0};
  transform::Program src(m, {{}, {{"__xisa_base_ret_main", 0x400800}}});
  expect_refused(test::make_parked_set(Isa::X86_64, 2), src, test::make_program(Isa::AArch64),
                 "which a call does not preserve");
}

TEST(TransformRefuses, NoRoomForDestinationTls) {
  // An x86-64 descriptor at the very end of its mapping: the aarch64 TLS
  // block, above the descriptor, has nowhere to go.
  Memory m;
  m.append(0x20000000, std::vector<uint8_t>(kPageSize));
  uint64_t self = 0x20001000 - 200;
  m.store64(self, self);
  transform::Program x86 = test::make_program(Isa::X86_64);
  transform::Program arm = test::make_program(Isa::AArch64);
  std::vector<Vma> vmas = {{0x20000000, 0x20001000, 0, 0, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, test::kVmaRegular | test::kVmaAnonPrivate,
                            -1, {}, {}}};
  EXPECT_THAT(
      [&] {
        transform::relay_thread_area({m, vmas}, {Isa::X86_64, x86.info()},
                                     {Isa::AArch64, arm.info()}, self);
      },
      testing::ThrowsMessage<Error>(HasSubstr("no room for the aarch64 TLS block")));
}

TEST(TransformNames, ExecutableForIsa) {
  EXPECT_EQ(transform::executable_for("/a/prog.x86_64", Isa::PPC64LE), "/a/prog.ppc64le");
  EXPECT_EQ(transform::executable_for("/a/b.aarch64", Isa::X86_64), "/a/b.x86_64");
  EXPECT_THAT([] { transform::executable_for("/a/prog", Isa::X86_64); },
              testing::ThrowsMessage<Error>(HasSubstr("pass the executables explicitly")));
}

} // namespace
