// thread_info_x86 <-> X86ThreadInfo.
#include "images/codecs.h"

namespace xisa::images {

// The general registers in user_regs_struct order, once for both directions.
#define XISA_X86_GPREGS(X)                                                                    \
  X(r15) X(r14) X(r13) X(r12) X(bp) X(bx) X(r11) X(r10) X(r9) X(r8) X(ax) X(cx) X(dx) X(si)   \
  X(di) X(orig_ax) X(ip) X(cs) X(flags) X(sp) X(ss) X(fs_base) X(gs_base) X(ds) X(es) X(fs)  \
  X(gs)

X86ThreadInfo from_pb(const ThreadInfoX86 &ti, const std::string &image) {
  X86ThreadInfo info;
  info.clear_tid_addr = ti.clear_tid_addr;
  if (!ti.gpregs || !ti.fpregs)
    fail("{}: x86 thread_info without registers: the image is corrupt", image);
  if (ti.gpregs->has_mode && ti.gpregs->mode != USER_X86_REGS_MODE__NATIVE)
    fail("{}: the thread runs in 32-bit compat mode; xisa moves only 64-bit processes", image);
#define X(r) info.gpregs.r = ti.gpregs->r;
  XISA_X86_GPREGS(X)
#undef X
  const UserX86FpregsEntry &fp = *ti.fpregs;
  X86FpRegs &out = info.fpregs;
  out.cwd = fp.cwd;
  out.swd = fp.swd;
  out.twd = fp.twd;
  out.fop = fp.fop;
  out.rip = fp.rip;
  out.rdp = fp.rdp;
  out.mxcsr = fp.mxcsr;
  out.mxcsr_mask = fp.mxcsr_mask;
  copy_exact(out.st_space, fp.st_space, fp.n_st_space, "x86 fpregs.st_space", image);
  copy_exact(out.xmm_space, fp.xmm_space, fp.n_xmm_space, "x86 fpregs.xmm_space", image);
  if (fp.xsave) {
    out.xstate_bv = fp.xsave->xstate_bv;
    out.ymmh_space.assign(fp.xsave->ymmh_space, fp.xsave->ymmh_space + fp.xsave->n_ymmh_space);
  }
  return info;
}

void to_pb(const X86ThreadInfo &info, X86Pb &pb, CoreEntry &core) {
  core.mtype = CORE_ENTRY__MARCH__X86_64;
  core.thread_info = &pb.ti;
  pb.ti.clear_tid_addr = info.clear_tid_addr;
  pb.ti.gpregs = &pb.gp;
  pb.ti.fpregs = &pb.fp;
#define X(r) pb.gp.r = info.gpregs.r;
  XISA_X86_GPREGS(X)
#undef X
  pb.gp.has_mode = true;
  pb.gp.mode = USER_X86_REGS_MODE__NATIVE;
  const X86FpRegs &fp = info.fpregs;
  pb.fp.cwd = fp.cwd;
  pb.fp.swd = fp.swd;
  pb.fp.twd = fp.twd;
  pb.fp.fop = fp.fop;
  pb.fp.rip = fp.rip;
  pb.fp.rdp = fp.rdp;
  pb.fp.mxcsr = fp.mxcsr;
  pb.fp.mxcsr_mask = fp.mxcsr_mask;
  pb.fp.n_st_space = fp.st_space.size();
  pb.fp.st_space = repeated(fp.st_space);
  pb.fp.n_xmm_space = fp.xmm_space.size();
  pb.fp.xmm_space = repeated(fp.xmm_space);
  // CRIU's restore insists on the fxsave padding being present.
  pb.fp.n_padding = pb.padding.size();
  pb.fp.padding = pb.padding.data();
  if (fp.xstate_bv) {
    pb.xsave.xstate_bv = *fp.xstate_bv;
    pb.xsave.n_ymmh_space = fp.ymmh_space.size();
    pb.xsave.ymmh_space = const_cast<uint32_t *>(fp.ymmh_space.data());
    pb.fp.xsave = &pb.xsave;
  }
}

} // namespace xisa::images
