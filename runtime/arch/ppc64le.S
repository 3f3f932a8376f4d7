/* Every code section states its 4-byte alignment: the assembler leaves it
 * at 1, and the layout step honours what sections say.
 * ppc64le entry points of the runtime (ELFv2 ABI), each in its own section
 * like the C code (-ffunction-sections) so the layout step can place it. Offsets follow
 * struct xisa_regs: pc 0, sp 8, tp 16, ctl 24, gpr[i] 32 + 8 i,
 * fpr[i] 288 + 8 i, vr[i] 544 + 16 i. */
#define HDR 32                 /* minimal ELFv2 frame header for our callee */
#define FRAME (HDR + 1056)     /* header + struct xisa_regs, 16-aligned */
#define GPR(n) (32 + 8 * (n))
#define FPR(n) (288 + 8 * (n))
#define VR(n) (544 + 16 * (n))

#define SAVE_GPR(n) std n, HDR + GPR(n)(1)
#define SAVE_FPR(n) stfd n, HDR + FPR(n)(1)
#define SAVE_VR(n) li 11, HDR + VR(n); stvx n, 1, 11
#define LOAD_GPR(n) ld n, GPR(n)(3)
#define LOAD_FPR(n) lfd n, FPR(n)(3)
#define LOAD_VR(n) li 11, VR(n); lvx n, 3, 11

  .abiversion 2
  .section .text.__xisa_mig_point, "ax", @progbits
  .p2align 2
  .globl __xisa_mig_point
  .type __xisa_mig_point, @function
/* Called by instrumented code when __xisa_poll is set. Saves the registers
 * a parked frame needs on the stack and hands them to __xisa_park. */
__xisa_mig_point:
0: addis 2, 12, .TOC.-0b@ha
  addi 2, 2, .TOC.-0b@l
  .localentry __xisa_mig_point, . - __xisa_mig_point
  mflr 0
  std 0, 16(1)
  stdu 1, -FRAME(1)
  std 2, 24(1)
  std 0, HDR + 0(1)
  addi 11, 1, FRAME
  std 11, HDR + 8(1)
  mfcr 0
  std 0, HDR + 24(1)
  SAVE_GPR(2); SAVE_GPR(13)
  SAVE_GPR(14); SAVE_GPR(15); SAVE_GPR(16); SAVE_GPR(17); SAVE_GPR(18); SAVE_GPR(19)
  SAVE_GPR(20); SAVE_GPR(21); SAVE_GPR(22); SAVE_GPR(23); SAVE_GPR(24); SAVE_GPR(25)
  SAVE_GPR(26); SAVE_GPR(27); SAVE_GPR(28); SAVE_GPR(29); SAVE_GPR(30); SAVE_GPR(31)
  SAVE_FPR(14); SAVE_FPR(15); SAVE_FPR(16); SAVE_FPR(17); SAVE_FPR(18); SAVE_FPR(19)
  SAVE_FPR(20); SAVE_FPR(21); SAVE_FPR(22); SAVE_FPR(23); SAVE_FPR(24); SAVE_FPR(25)
  SAVE_FPR(26); SAVE_FPR(27); SAVE_FPR(28); SAVE_FPR(29); SAVE_FPR(30); SAVE_FPR(31)
  SAVE_VR(20); SAVE_VR(21); SAVE_VR(22); SAVE_VR(23); SAVE_VR(24); SAVE_VR(25)
  SAVE_VR(26); SAVE_VR(27); SAVE_VR(28); SAVE_VR(29); SAVE_VR(30); SAVE_VR(31)
  addi 3, 1, HDR
  bl __xisa_park
  nop
  addi 1, 1, FRAME
  ld 0, 16(1)
  mtlr 0
  blr
  .size __xisa_mig_point, . - __xisa_mig_point

  .section .text.__xisa_resume, "ax", @progbits
  .p2align 2
  .globl __xisa_resume
  .type __xisa_resume, @function
/* __xisa_resume(const struct xisa_regs *): 16-byte aligned argument; also
 * sets the TOC pointer and the thread pointer (r13). */
__xisa_resume:
  LOAD_GPR(14); LOAD_GPR(15); LOAD_GPR(16); LOAD_GPR(17); LOAD_GPR(18); LOAD_GPR(19)
  LOAD_GPR(20); LOAD_GPR(21); LOAD_GPR(22); LOAD_GPR(23); LOAD_GPR(24); LOAD_GPR(25)
  LOAD_GPR(26); LOAD_GPR(27); LOAD_GPR(28); LOAD_GPR(29); LOAD_GPR(30); LOAD_GPR(31)
  LOAD_FPR(14); LOAD_FPR(15); LOAD_FPR(16); LOAD_FPR(17); LOAD_FPR(18); LOAD_FPR(19)
  LOAD_FPR(20); LOAD_FPR(21); LOAD_FPR(22); LOAD_FPR(23); LOAD_FPR(24); LOAD_FPR(25)
  LOAD_FPR(26); LOAD_FPR(27); LOAD_FPR(28); LOAD_FPR(29); LOAD_FPR(30); LOAD_FPR(31)
  LOAD_VR(20); LOAD_VR(21); LOAD_VR(22); LOAD_VR(23); LOAD_VR(24); LOAD_VR(25)
  LOAD_VR(26); LOAD_VR(27); LOAD_VR(28); LOAD_VR(29); LOAD_VR(30); LOAD_VR(31)
  ld 0, 24(3)
  mtcrf 0x38, 0
  ld 0, 0(3)
  mtlr 0
  LOAD_GPR(2)
  LOAD_GPR(13)
  ld 1, 8(3)
  blr
  .size __xisa_resume, . - __xisa_resume

  .section .text.__xisa_clone_resume, "ax", @progbits
  .p2align 2
  .globl __xisa_clone_resume
  .type __xisa_clone_resume, @function
/* long __xisa_clone_resume(flags, stack, ptid, tls, ctid, regs): clone(2)
 * takes the first five in this order; the new thread goes on at regs
 * (__xisa_resume, which needs no TOC), the caller gets its tid or -errno. */
__xisa_clone_resume:
  mr 9, 8
  li 0, 120 /* clone */
  sc
  bns+ 1f
  neg 3, 3
  blr
1:
  cmpdi 3, 0
  bnelr
  mr 3, 9
  b __xisa_resume
  .size __xisa_clone_resume, . - __xisa_clone_resume

  .section .text.__xisa_start_main, "ax", @progbits
  .p2align 2
  .globl __xisa_start_main
  .type __xisa_start_main, @function
/* __xisa_start_main(argc, argv, envp, top, base_frame_out): __real_main on
 * the stack ending at top, above a frame with back chain 0 (the base frame,
 * stored to *base_frame_out); exit() with its result. The return label names
 * the same point on every ISA for the transformer. */
__xisa_start_main:
0: addis 2, 12, .TOC.-0b@ha
  addi 2, 2, .TOC.-0b@l
  .localentry __xisa_start_main, . - __xisa_start_main
  clrrdi 6, 6, 4
  li 0, 0
  stdu 0, -HDR(6)
  mr 1, 6
  std 1, 0(7)
  bl __real_main
__xisa_base_ret_main:
  nop
  bl exit
  nop
  trap
  .size __xisa_start_main, . - __xisa_start_main

  .section .text.__xisa_call_thread, "ax", @progbits
  .p2align 2
  .globl __xisa_call_thread
  .type __xisa_call_thread, @function
/* __xisa_call_thread(fn, arg, base_frame_out): fn(arg) above a base frame
 * whose return label is __xisa_base_ret_thread, then
 * __xisa_thread_exit(result). Like main's, the code at the label uses only
 * the result and the stack pointer (r2 is the TOC, which the program's
 * functions preserve): a moved thread has no frame below. Weak:
 * only programs that create threads link thread_create.o, which defines
 * it; the others never run this code. */
  .weak __xisa_thread_exit
__xisa_call_thread:
  mflr 0
  std 0, 16(1)
  stdu 1, -HDR(1)
  std 2, 24(1)
  std 1, 0(5)
  mr 12, 3
  mtctr 12
  mr 3, 4
  bctrl
__xisa_base_ret_thread:
  bl __xisa_thread_exit
  nop
  trap
  .size __xisa_call_thread, . - __xisa_call_thread

  .section .note.GNU-stack, "", @progbits

/* Signal return trampolines, replacing musl's restore.o: there the two
   symbols share one section at offsets that differ per ISA, which no layout
   can align. Each gets its own section here. */
  .section .text.__restore,"ax",@progbits
  .p2align 2
  .globl __restore
  .hidden __restore
  .type __restore,@function
__restore:
  li 0, 119 /* sigreturn */
  sc
  .size __restore, .-__restore
  .section .text.__restore_rt,"ax",@progbits
  .p2align 2
  .globl __restore_rt
  .hidden __restore_rt
  .type __restore_rt,@function
__restore_rt:
  li 0, 172 /* rt_sigreturn */
  sc
  .size __restore_rt, .-__restore_rt
