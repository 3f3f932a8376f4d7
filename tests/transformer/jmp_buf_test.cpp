// jmp_bufs across ISAs: musl's layouts, and buffers of live frames rebuilt
// with their frames (transform/jmp_bufs.h) on the synthetic stacks.
#include "support/error.h"
#include "synthetic_stack.h"
#include "transform/abi.h"
#include "transform/frames.h"
#include "transform/image_transform.h"
#include "transform/jmp_bufs.h"
#include "xisa/wire.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>

using namespace xisa;
using namespace xisa::test;
using transform::RegFile;

namespace {

// The offsets of musl 1.2's setjmp.s for each ISA (one register each).
struct MuslSlot {
  uint16_t reg;
  uint64_t offset;
};

TEST(JmpBufLayout, MatchesMuslsSetjmp) {
  struct Case {
    Isa isa;
    uint64_t pc, sp;
    std::vector<MuslSlot> regs;
  };
  const Case cases[] = {
      {Isa::X86_64, 56, 48, {{3, 0}, {6, 8}, {12, 16}, {15, 40}}},
      // x19 at 0, x29 at 80, x30 (the pc) at 88, d8 (DWARF 72) at 112, d15 at 168.
      {Isa::AArch64, 88, 104, {{19, 0}, {28, 72}, {29, 80}, {72, 112}, {79, 168}}},
      // r2 at 24, r14 at 32, r31 at 168, f14 (46) at 176, f31 (63) at 312.
      {Isa::PPC64LE, 0, 16, {{2, 24}, {14, 32}, {31, 168}, {46, 176}, {63, 312}}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(name(c.isa));
    images::Memory memory = make_memory();
    // 16-byte aligned: on ppc64 an 8-aligned buffer gets v20 over f31, as
    // with musl's own stvx (PpcVectorsFromTheAlignedAddress).
    uint64_t buf = kJmpBufTable + 0x100;
    RegFile regs;
    regs.pc = 0x401234;
    regs.set(transform::abi(c.isa).sp, 0x7ffff000);
    for (const MuslSlot &slot : c.regs)
      regs.set(slot.reg, 0x5000 + slot.reg);
    transform::write_jmp_buf(c.isa, buf, regs, memory);
    EXPECT_EQ(memory.load64(buf + c.pc), 0x401234u);
    EXPECT_EQ(memory.load64(buf + c.sp), 0x7ffff000u);
    for (const MuslSlot &slot : c.regs)
      EXPECT_EQ(memory.load64(buf + slot.offset), 0x5000u + slot.reg) << "register " << slot.reg;
    RegFile back = transform::read_jmp_buf(c.isa, buf, memory);
    EXPECT_EQ(back.pc, regs.pc);
    for (const MuslSlot &slot : c.regs)
      EXPECT_EQ(back.get(slot.reg), regs.get(slot.reg));
  }
}

TEST(JmpBufLayout, PpcVectorsFromTheAlignedAddress) {
  images::Memory memory = make_memory();
  // stvx ignores the low four bits: v20 lands at (buf + 320) & ~15.
  uint64_t buf = kJmpBufTable + 0x108;
  RegFile regs;
  regs.regs[97] = {0x1111, 0x2222};   // v20
  regs.regs[108] = {0x3333, 0x4444};  // v31
  transform::write_jmp_buf(Isa::PPC64LE, buf, regs, memory);
  uint64_t v20 = (buf + 320) & ~uint64_t(15);
  EXPECT_EQ(v20, buf + 312);
  EXPECT_EQ(memory.load64(v20), 0x1111u);
  EXPECT_EQ(memory.load64(v20 + 8), 0x2222u);
  EXPECT_EQ(memory.load64(v20 + 11 * 16 + 8), 0x4444u);
  EXPECT_EQ(transform::read_jmp_buf(Isa::PPC64LE, buf, memory).regs[108], regs.regs[108]);
}

// Buffers in thread 0's stack mapping, below its frames and above the table.
constexpr uint64_t kLiveBuf0 = kJmpBufTable + 0x1000; // filled by frame 0
constexpr uint64_t kLiveBuf1 = kJmpBufTable + 0x1400; // filled by frame 1
constexpr uint64_t kDeadBuf = kJmpBufTable + 0x1800;  // by a frame that has returned
constexpr uint64_t kJ0 = 0xabc0, kJ2 = 0x4045000000000000; // 42.0

uint64_t v2_of(size_t k) { return values_for_frame(k).v2; }

class JmpBufPair : public ::testing::TestWithParam<std::tuple<Isa, Isa>> {};

// The synthetic frames' call sites stand for setjmp's: frame 0 filled a
// buffer at its function's call site while v0 and v2 held kJ0 and kJ2, and
// frame 1 at the call site it is parked at. After the move each buffer must
// send a longjmp into its destination frame with the values that site
// keeps, and with what the frames outside expect in the registers the
// frame does not save.
TEST_P(JmpBufPair, LiveBuffersAreRebuiltWithTheirFrames) {
  auto [from, to] = GetParam();
  transform::Program src = make_program(from), dst = make_program(to);
  images::ImageSet set = make_parked_set(from, 4);
  images::Process &p = set.processes.front();
  RegFile parked = transform::reg_file(p.threads.front().info);
  transform::SourceStack stack = transform::unwind(parked, p.memory, src);
  const transform::Abi &sabi = transform::abi(from);

  // Source buffers as musl's setjmp would have filled them.
  const meta::CallSite &call0 = *src.with_id(1000); // function 0's call site
  uint16_t gpr = call0.live_values[0].dwarf_reg;
  bool src_fpr = call0.live_values[2].kind == meta::LocationKind::Register;
  RegFile b0;
  b0.pc = call0.return_address;
  b0.set(sabi.sp, parked.get(sabi.sp));
  b0.set(sabi.fp, parked.get(sabi.fp));
  b0.set(gpr, kJ0);
  if (src_fpr)
    b0.set(call0.live_values[2].dwarf_reg, kJ2);
  transform::write_jmp_buf(from, kLiveBuf0, b0, p.memory);
  RegFile b1; // frame 1 (function 1) keeps frame 2's v0 and v2 in registers
  b1.pc = stack.frames[1].site->return_address;
  b1.set(sabi.sp, stack.frames[0].cfa);
  b1.set(sabi.fp, p.memory.load64(stack.frames[0].cfa + (from == Isa::PPC64LE ? -8 : -16)));
  b1.set(gpr, values_for_frame(2).v0);
  if (src_fpr)
    b1.set(call0.live_values[2].dwarf_reg, v2_of(2));
  transform::write_jmp_buf(from, kLiveBuf1, b1, p.memory);
  RegFile dead = b0; // function 3's site, its frame gone
  dead.pc = src.with_id(1006)->return_address;
  transform::write_jmp_buf(from, kDeadBuf, dead, p.memory);
  std::vector<uint8_t> dead_before(64);
  p.memory.read(kDeadBuf, dead_before);

  struct xisa_jmp_bufs table = {};
  std::memcpy(table.magic, XISA_JMP_BUFS_MAGIC, 8);
  table.nr = 3;
  table.entry[0] = {kLiveBuf0, b0.get(sabi.sp)};
  table.entry[1] = {kDeadBuf, b0.get(sabi.sp) - 0x100};
  table.entry[2] = {kLiveBuf1, b1.get(sabi.sp)};
  p.memory.write(kJmpBufTable, {reinterpret_cast<const uint8_t *>(&table), sizeof table});

  transform::transform_image_set(set, src, dst);

  // The destination frames, from the registers the transformer gave.
  RegFile out = transform::reg_file(p.threads.front().info);
  transform::SourceStack moved = transform::unwind(out, p.memory, dst);
  const transform::Abi &dabi = transform::abi(to);
  auto fp_of = [&](size_t k) { return moved.frames[k].cfa - moved.frames[k].site->frame.cfa_offset; };
  const meta::CallSite &dcall0 = *dst.with_id(1000);
  bool dst_fpr = dcall0.live_values[2].kind == meta::LocationKind::Register;
  uint16_t dgpr = dcall0.live_values[0].dwarf_reg;

  RegFile r0 = transform::read_jmp_buf(to, kLiveBuf0, p.memory);
  EXPECT_EQ(r0.pc, dcall0.return_address);
  EXPECT_EQ(r0.get(dabi.sp), out.get(dabi.sp));
  EXPECT_EQ(r0.get(dabi.fp), fp_of(0));
  EXPECT_EQ(r0.get(dgpr), kJ0);
  if (dst_fpr) { // from the buffer, or from the source's slot when it kept v2 there
    EXPECT_EQ(r0.get(dcall0.live_values[2].dwarf_reg), src_fpr ? kJ2 : v2_of(0));
  }
  if (to == Isa::PPC64LE) {
    EXPECT_EQ(r0.get(2), dst.toc());
  }

  RegFile r1 = transform::read_jmp_buf(to, kLiveBuf1, p.memory);
  EXPECT_EQ(r1.pc, dst.with_id(1002)->return_address);
  EXPECT_EQ(r1.get(dabi.sp), moved.frames[0].cfa);
  EXPECT_EQ(r1.get(dabi.fp), fp_of(1));
  // Function 1 saves neither register: they are frame 2's.
  EXPECT_EQ(r1.get(dgpr), values_for_frame(2).v0);
  if (dst_fpr) {
    EXPECT_EQ(r1.get(dcall0.live_values[2].dwarf_reg), v2_of(2));
  }

  // The parked frames are intact, and the table holds the live buffers with
  // their destination stack pointers.
  std::vector<FrameValues> values = read_stack(to, 4, out, p.memory);
  EXPECT_EQ(values[0].v1, values_for_frame(0).v1);
  struct xisa_jmp_bufs after;
  p.memory.read(kJmpBufTable, {reinterpret_cast<uint8_t *>(&after), sizeof after});
  ASSERT_EQ(after.nr, 2u);
  EXPECT_EQ(after.entry[0].buf, kLiveBuf0);
  EXPECT_EQ(after.entry[0].sp, r0.get(dabi.sp));
  EXPECT_EQ(after.entry[1].buf, kLiveBuf1);
  EXPECT_EQ(after.entry[1].sp, r1.get(dabi.sp));
  std::vector<uint8_t> dead_after(64);
  p.memory.read(kDeadBuf, dead_after);
  EXPECT_EQ(dead_after, dead_before);
}

INSTANTIATE_TEST_SUITE_P(CrossIsa, JmpBufPair,
                         ::testing::Values(std::tuple{Isa::X86_64, Isa::AArch64},
                                           std::tuple{Isa::X86_64, Isa::PPC64LE},
                                           std::tuple{Isa::AArch64, Isa::PPC64LE},
                                           std::tuple{Isa::AArch64, Isa::X86_64},
                                           std::tuple{Isa::PPC64LE, Isa::X86_64},
                                           std::tuple{Isa::PPC64LE, Isa::AArch64}),
                         [](const auto &info) {
                           return std::string(name(std::get<0>(info.param))) + "_to_" +
                                  std::string(name(std::get<1>(info.param)));
                         });

// A buffer sigsetjmp filled with a saved mask resumes inside musl's
// sigsetjmp: no call site, so a live one is refused, not left to crash.
TEST(JmpBufRefuses, LiveBufferOutsideACallSite) {
  transform::Program src = make_program(Isa::X86_64), dst = make_program(Isa::AArch64);
  images::ImageSet set = make_parked_set(Isa::X86_64, 2);
  images::Process &p = set.processes.front();
  RegFile parked = transform::reg_file(p.threads.front().info);
  RegFile b;
  b.pc = kExeStart + 0x1f00; // no call site
  b.set(7, parked.get(7));
  transform::write_jmp_buf(Isa::X86_64, kLiveBuf0, b, p.memory);
  struct xisa_jmp_bufs table = {};
  std::memcpy(table.magic, XISA_JMP_BUFS_MAGIC, 8);
  table.nr = 1;
  table.entry[0] = {kLiveBuf0, parked.get(7)};
  p.memory.write(kJmpBufTable, {reinterpret_cast<const uint8_t *>(&table), sizeof table});
  try {
    transform::transform_image_set(set, src, dst);
    FAIL() << "a live buffer outside a call site was accepted";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("sigsetjmp with a saved signal mask"), std::string::npos)
        << e.what();
  }
}

TEST(JmpBufRefuses, TableThatLostABuffer) {
  transform::Program src = make_program(Isa::AArch64), dst = make_program(Isa::PPC64LE);
  images::ImageSet set = make_parked_set(Isa::AArch64, 2);
  struct xisa_jmp_bufs table = {};
  std::memcpy(table.magic, XISA_JMP_BUFS_MAGIC, 8);
  table.lost = 1;
  set.processes.front().memory.write(kJmpBufTable,
                                     {reinterpret_cast<const uint8_t *>(&table), 24});
  EXPECT_THROW(transform::transform_image_set(set, src, dst), Error);
}

} // namespace
