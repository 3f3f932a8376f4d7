#include "transform/registers.h"

namespace xisa::transform {

using namespace images;

// x86-64 DWARF numbers 0-16 in user_regs_struct terms.
static uint64_t X86Regs::*const kX86Gp[] = {
    &X86Regs::ax, &X86Regs::dx, &X86Regs::cx,  &X86Regs::bx,  &X86Regs::si,  &X86Regs::di,
    &X86Regs::bp, &X86Regs::sp, &X86Regs::r8,  &X86Regs::r9,  &X86Regs::r10, &X86Regs::r11,
    &X86Regs::r12, &X86Regs::r13, &X86Regs::r14, &X86Regs::r15, &X86Regs::ip};
static constexpr uint16_t kX86Xmm0 = 17, kAarch64V0 = 64, kPpcF0 = 32, kPpcV0 = 77, kPpcLr = 65,
                          kPpcCtr = 66;

static RegValue pair(uint64_t lo, uint64_t hi) { return {lo, hi}; }

static RegFile from(const X86ThreadInfo &t) {
  RegFile f;
  for (uint16_t r = 0; r < 17; ++r)
    f.set(r, t.gpregs.*kX86Gp[r]);
  const auto &x = t.fpregs.xmm_space;
  for (uint16_t i = 0; i < 16; ++i)
    f.regs[kX86Xmm0 + i] = pair(x[4 * i] | uint64_t(x[4 * i + 1]) << 32,
                                x[4 * i + 2] | uint64_t(x[4 * i + 3]) << 32);
  f.pc = t.gpregs.ip;
  f.tp = t.gpregs.fs_base;
  return f;
}

static RegFile from(const Aarch64ThreadInfo &t) {
  RegFile f;
  for (uint16_t r = 0; r < 31; ++r)
    f.set(r, t.regs[r]);
  f.set(31, t.sp);
  for (uint16_t i = 0; i < 32; ++i)
    f.regs[kAarch64V0 + i] = pair(t.vregs[2 * i], t.vregs[2 * i + 1]);
  f.pc = t.pc;
  f.tp = t.tls;
  return f;
}

static RegFile from(const Ppc64ThreadInfo &t) {
  RegFile f;
  for (uint16_t r = 0; r < 32; ++r)
    f.set(r, t.gpr[r]);
  for (uint16_t i = 0; i < 32; ++i)
    f.set(kPpcF0 + i, t.fpregs[i]);
  f.set(kPpcLr, t.link);
  f.set(kPpcCtr, t.ctr);
  for (int i = 0; i < 8; ++i)
    f.set(kPpcCr0 + i, condition_field_of(t.ccr, i));
  for (uint16_t i = 0; i < 32; ++i)
    f.regs[kPpcV0 + i] = pair(t.vrregs[2 * i], t.vrregs[2 * i + 1]);
  f.pc = t.nip;
  f.tp = t.gpr[13];
  return f;
}

RegFile reg_file(const ThreadInfo &info) {
  return std::visit([](const auto &t) { return from(t); }, info);
}

ThreadInfo thread_info(Isa isa, const RegFile &f) {
  switch (isa) {
  case Isa::X86_64: {
    X86ThreadInfo t;
    for (uint16_t r = 0; r < 17; ++r)
      t.gpregs.*kX86Gp[r] = f.get(r);
    for (uint16_t i = 0; i < 16; ++i) {
      const RegValue &v = f.regs[kX86Xmm0 + i];
      t.fpregs.xmm_space[4 * i] = uint32_t(v.lo);
      t.fpregs.xmm_space[4 * i + 1] = uint32_t(v.lo >> 32);
      t.fpregs.xmm_space[4 * i + 2] = uint32_t(v.hi);
      t.fpregs.xmm_space[4 * i + 3] = uint32_t(v.hi >> 32);
    }
    t.gpregs.ip = f.pc;
    t.gpregs.fs_base = f.tp;
    return t;
  }
  case Isa::AArch64: {
    Aarch64ThreadInfo t;
    for (uint16_t r = 0; r < 31; ++r)
      t.regs[r] = f.get(r);
    t.sp = f.get(31);
    for (uint16_t i = 0; i < 32; ++i) {
      t.vregs[2 * i] = f.regs[kAarch64V0 + i].lo;
      t.vregs[2 * i + 1] = f.regs[kAarch64V0 + i].hi;
    }
    t.pc = f.pc;
    t.tls = f.tp;
    return t;
  }
  case Isa::PPC64LE: {
    Ppc64ThreadInfo t;
    for (uint16_t r = 0; r < 32; ++r)
      t.gpr[r] = f.get(r);
    for (uint16_t i = 0; i < 32; ++i)
      t.fpregs[i] = f.get(kPpcF0 + i);
    t.link = f.get(kPpcLr);
    t.ctr = f.get(kPpcCtr);
    for (int i = 0; i < 8; ++i)
      t.ccr = with_condition_field(t.ccr, i, f.get(kPpcCr0 + i));
    for (uint16_t i = 0; i < 32; ++i) {
      t.vrregs[2 * i] = f.regs[kPpcV0 + i].lo;
      t.vrregs[2 * i + 1] = f.regs[kPpcV0 + i].hi;
    }
    t.nip = f.pc;
    t.gpr[13] = f.tp;
    return t;
  }
  }
  return X86ThreadInfo{};
}

} // namespace xisa::transform
