// thread_info_aarch64 <-> Aarch64ThreadInfo.
#include "images/codecs.h"

namespace xisa::images {

Aarch64ThreadInfo from_pb(const ThreadInfoAarch64 &ti, const std::string &image) {
  Aarch64ThreadInfo info;
  if (!ti.gpregs || !ti.fpsimd)
    fail("{}: aarch64 thread_info without registers: the image is corrupt", image);
  info.clear_tid_addr = ti.clear_tid_addr;
  info.tls = ti.tls;
  copy_exact(info.regs, ti.gpregs->regs, ti.gpregs->n_regs, "aarch64 gpregs.regs", image);
  info.sp = ti.gpregs->sp;
  info.pc = ti.gpregs->pc;
  info.pstate = ti.gpregs->pstate;
  copy_exact(info.vregs, ti.fpsimd->vregs, ti.fpsimd->n_vregs, "aarch64 fpsimd.vregs", image);
  info.fpsr = ti.fpsimd->fpsr;
  info.fpcr = ti.fpsimd->fpcr;
  return info;
}

void to_pb(const Aarch64ThreadInfo &info, Aarch64Pb &pb, CoreEntry &core) {
  core.mtype = CORE_ENTRY__MARCH__AARCH64;
  core.ti_aarch64 = &pb.ti;
  pb.ti.clear_tid_addr = info.clear_tid_addr;
  pb.ti.tls = info.tls;
  pb.ti.gpregs = &pb.gp;
  pb.ti.fpsimd = &pb.fpsimd;
  pb.gp.n_regs = info.regs.size();
  pb.gp.regs = repeated(info.regs);
  pb.gp.sp = info.sp;
  pb.gp.pc = info.pc;
  pb.gp.pstate = info.pstate;
  pb.fpsimd.n_vregs = info.vregs.size();
  pb.fpsimd.vregs = repeated(info.vregs);
  pb.fpsimd.fpsr = info.fpsr;
  pb.fpsimd.fpcr = info.fpcr;
}

} // namespace xisa::images
