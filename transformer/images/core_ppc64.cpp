// thread_info_ppc64 <-> Ppc64ThreadInfo.
#include "images/codecs.h"

namespace xisa::images {

Ppc64ThreadInfo from_pb(const ThreadInfoPpc64 &ti, const std::string &image) {
  Ppc64ThreadInfo info;
  if (!ti.gpregs)
    fail("{}: ppc64 thread_info without registers: the image is corrupt", image);
  if (ti.tmstate)
    fail("{}: the thread is inside a hardware transaction; xisa cannot move that state", image);
  const UserPpc64RegsEntry &gp = *ti.gpregs;
  info.clear_tid_addr = ti.clear_tid_addr;
  copy_exact(info.gpr, gp.gpr, gp.n_gpr, "ppc64 gpregs.gpr", image);
  info.nip = gp.nip;
  info.msr = gp.msr;
  info.orig_gpr3 = gp.orig_gpr3;
  info.ctr = gp.ctr;
  info.link = gp.link;
  info.xer = gp.xer;
  info.ccr = gp.ccr;
  info.trap = gp.trap;
  // CRIU leaves out the FP and vector state of a thread that never used it.
  if (ti.fpstate)
    copy_exact(info.fpregs, ti.fpstate->fpregs, ti.fpstate->n_fpregs, "ppc64 fpstate.fpregs",
               image);
  if (ti.vrstate) {
    copy_exact(info.vrregs, ti.vrstate->vrregs, ti.vrstate->n_vrregs, "ppc64 vrstate.vrregs",
               image);
    info.vrsave = ti.vrstate->vrsave;
  }
  if (ti.vsxstate)
    copy_exact(info.vsxregs, ti.vsxstate->vsxregs, ti.vsxstate->n_vsxregs,
               "ppc64 vsxstate.vsxregs", image);
  return info;
}

void to_pb(const Ppc64ThreadInfo &info, Ppc64Pb &pb, CoreEntry &core) {
  core.mtype = CORE_ENTRY__MARCH__PPC64;
  core.ti_ppc64 = &pb.ti;
  pb.ti.clear_tid_addr = info.clear_tid_addr;
  pb.ti.gpregs = &pb.gp;
  pb.gp.n_gpr = info.gpr.size();
  pb.gp.gpr = repeated(info.gpr);
  pb.gp.nip = info.nip;
  pb.gp.msr = info.msr;
  pb.gp.orig_gpr3 = info.orig_gpr3;
  pb.gp.ctr = info.ctr;
  pb.gp.link = info.link;
  pb.gp.xer = info.xer;
  pb.gp.ccr = info.ccr;
  pb.gp.trap = info.trap;
  pb.ti.fpstate = &pb.fp;
  pb.fp.n_fpregs = info.fpregs.size();
  pb.fp.fpregs = repeated(info.fpregs);
  pb.ti.vrstate = &pb.vr;
  pb.vr.n_vrregs = info.vrregs.size();
  pb.vr.vrregs = repeated(info.vrregs);
  pb.vr.vrsave = info.vrsave;
  pb.ti.vsxstate = &pb.vsx;
  pb.vsx.n_vsxregs = info.vsxregs.size();
  pb.vsx.vsxregs = repeated(info.vsxregs);
}

} // namespace xisa::images
