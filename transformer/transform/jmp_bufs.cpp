#include "transform/jmp_bufs.h"

#include "support/error.h"
#include "transform/abi.h"
#include "xisa/wire.h"

#include <cstddef>
#include <cstring>

namespace xisa::transform {

namespace {

// Consecutive DWARF registers musl stores 8 bytes apart.
struct RegRun {
  uint16_t first, count, offset;
};

// musl's setjmp for each ISA (src/setjmp/<arch>/setjmp.s).
struct JmpBufLayout {
  uint16_t pc, sp;
  std::span<const RegRun> regs;
  // ppc64's stvx stores v20-v31 from buf + 320 rounded down to 16 bytes.
  uint16_t vr_first = 0, vr_count = 0, vr_offset = 0;
  uint16_t bytes; // what longjmp reads, at most
};

// rbx, rbp, r12-r15, sp, pc.
constexpr RegRun kX86Regs[] = {{3, 1, 0}, {6, 1, 8}, {12, 4, 16}};
// x19-x29, x30 (the pc), sp at 104, d8-d15.
constexpr RegRun kAarch64Regs[] = {{19, 11, 0}, {72, 8, 112}};
// lr (the pc), cr at 8 (fields 2-4, which no frame here keeps values in),
// r1, r2, r14-r31, f14-f31, v20-v31.
constexpr RegRun kPpcRegs[] = {{2, 1, 24}, {14, 18, 32}, {46, 18, 176}};

const JmpBufLayout &layout(Isa isa) {
  static const JmpBufLayout kX86{56, 48, kX86Regs, 0, 0, 0, 64};
  static const JmpBufLayout kAarch64{88, 104, kAarch64Regs, 0, 0, 0, 176};
  static const JmpBufLayout kPpc{0, 16, kPpcRegs, 97, 12, 320, 512};
  switch (isa) {
  case Isa::X86_64: return kX86;
  case Isa::AArch64: return kAarch64;
  case Isa::PPC64LE: return kPpc;
  }
  return kX86;
}

uint64_t vr_area(const JmpBufLayout &l, uint64_t buf) { return (buf + l.vr_offset) & ~uint64_t(15); }

// Where each entry of struct xisa_jmp_bufs lies.
constexpr uint64_t kEntries = offsetof(struct xisa_jmp_bufs, entry);
constexpr uint64_t kEntryBytes = sizeof(struct xisa_jmp_buf_entry);

} // namespace

RegFile read_jmp_buf(Isa isa, uint64_t buf, const images::Memory &memory) {
  const JmpBufLayout &l = layout(isa);
  const Abi &abi = transform::abi(isa);
  RegFile regs;
  for (const RegRun &run : l.regs)
    for (uint16_t i = 0; i < run.count; ++i)
      regs.set(run.first + i, memory.load64(buf + run.offset + 8 * i));
  for (uint16_t i = 0; i < l.vr_count; ++i) {
    uint64_t at = vr_area(l, buf) + 16 * i;
    regs.regs[l.vr_first + i] = {memory.load64(at), memory.load64(at + 8)};
  }
  regs.pc = memory.load64(buf + l.pc);
  regs.set(abi.sp, memory.load64(buf + l.sp));
  return regs;
}

void write_jmp_buf(Isa isa, uint64_t buf, const RegFile &regs, images::Memory &memory) {
  const JmpBufLayout &l = layout(isa);
  const Abi &abi = transform::abi(isa);
  memory.ensure(buf, l.bytes);
  std::vector<uint8_t> zero(l.bytes);
  memory.write(buf, zero);
  for (const RegRun &run : l.regs)
    for (uint16_t i = 0; i < run.count; ++i)
      memory.store64(buf + run.offset + 8 * i, regs.get(run.first + i));
  for (uint16_t i = 0; i < l.vr_count; ++i) {
    uint64_t at = vr_area(l, buf) + 16 * i;
    memory.store64(at, regs.regs[l.vr_first + i].lo);
    memory.store64(at + 8, regs.regs[l.vr_first + i].hi);
  }
  memory.store64(buf + l.pc, regs.pc);
  memory.store64(buf + l.sp, regs.get(abi.sp));
}

JmpBufTable read_jmp_bufs(const images::Memory &memory, const Program &src, const Program &dst) {
  JmpBufTable table;
  uint64_t at = src.jmp_bufs();
  // Pages never written are not dumped: no setjmp ran.
  if (src.isa() == dst.isa() || !at || !memory.contains(at, kEntries))
    return table;
  struct xisa_jmp_bufs header;
  memory.read(at, {reinterpret_cast<uint8_t *>(&header), kEntries});
  static constexpr char kNone[8] = {};
  if (std::memcmp(header.magic, kNone, sizeof kNone) == 0)
    return table;
  if (std::memcmp(header.magic, XISA_JMP_BUFS_MAGIC, sizeof header.magic) != 0 ||
      header.nr > XISA_MAX_JMP_BUFS)
    fail("the runtime's jmp_buf table at {:#x} is corrupt (bad magic or {} entries)", at,
         header.nr);
  if (header.lost)
    fail("the program filled more jmp_bufs than the runtime's table holds ({}), so some could "
         "not be rewritten for {}; it can move only to its own ISA",
         XISA_MAX_JMP_BUFS, name(dst.isa()));
  table.address = at;
  for (uint32_t i = 0; i < header.nr; ++i) {
    uint64_t entry = at + kEntries + kEntryBytes * i;
    table.entries.push_back({memory.load64(entry), memory.load64(entry + 8), false});
  }
  return table;
}

// The stack pointer of each frame at its call.
static std::vector<uint64_t> frame_sps(const SourceStack &stack, uint64_t sp) {
  std::vector<uint64_t> sps{sp};
  for (size_t k = 1; k < stack.frames.size(); ++k)
    sps.push_back(stack.frames[k - 1].cfa);
  return sps;
}

ThreadJmpBufs claim_jmp_bufs(JmpBufTable &table, const SourceStack &stack, uint64_t sp,
                             const images::Memory &memory, const Program &src) {
  ThreadJmpBufs out;
  const JmpBufLayout &l = layout(src.isa());
  std::vector<uint64_t> sps = frame_sps(stack, sp);
  for (size_t e = 0; e < table.entries.size(); ++e) {
    JmpBufEntry &entry = table.entries[e];
    if (entry.live || !memory.contains(entry.buf, l.bytes))
      continue;
    RegFile regs = read_jmp_buf(src.isa(), entry.buf, memory);
    const meta::CallSite *site = src.at_return_address(regs.pc);
    if (!site) {
      for (size_t k = 0; k < sps.size(); ++k)
        if (sps[k] == entry.sp)
          fail("the jmp_buf at {:#x} of frame {} ({}) resumes at {:#x}, which is not a call site "
               "with metadata: sigsetjmp with a saved signal mask fills it from inside musl, "
               "which xisa cannot move; the program can move only to its own ISA",
               entry.buf, k, src.meta().functions[stack.frames[k].site->function].name, regs.pc);
      continue;
    }
    const meta::FrameRule &rule = site->frame;
    uint64_t cfa = regs.get(rule.cfa_reg) + rule.cfa_offset;
    for (size_t k = 0; k < stack.frames.size(); ++k) {
      const SourceFrame &frame = stack.frames[k];
      // A frame of another function at the same place is a later call:
      // the buffer's frame has returned.
      if (frame.cfa != cfa || frame.site->function != site->function)
        continue;
      entry.live = true;
      out.entries.push_back(e);
      out.sites.push_back({k, site, read_live_values(*site, regs, memory, src)});
      break;
    }
  }
  return out;
}

void place_jmp_bufs(JmpBufTable &table, const ThreadJmpBufs &bufs, std::span<const RegFile> regs,
                    images::Memory &memory, const Program &dst) {
  if (regs.size() != bufs.entries.size())
    fail("{} jmp_bufs but registers for {}", bufs.entries.size(), regs.size());
  for (size_t i = 0; i < regs.size(); ++i) {
    JmpBufEntry &entry = table.entries[bufs.entries[i]];
    write_jmp_buf(dst.isa(), entry.buf, regs[i], memory);
    entry.sp = regs[i].get(abi(dst.isa()).sp);
  }
}

void write_jmp_bufs(const JmpBufTable &table, images::Memory &memory) {
  if (!table.address)
    return;
  uint32_t nr = 0;
  for (const JmpBufEntry &entry : table.entries) {
    if (!entry.live)
      continue;
    uint64_t at = table.address + kEntries + kEntryBytes * nr++;
    memory.store64(at, entry.buf);
    memory.store64(at + 8, entry.sp);
  }
  // nr and lost (0: read_jmp_bufs refuses a table that lost one), then the lock.
  memory.store64(table.address + offsetof(struct xisa_jmp_bufs, nr), nr);
  memory.store64(table.address + offsetof(struct xisa_jmp_bufs, lock), 0);
}

} // namespace xisa::transform
