/* Every code section states its 4-byte alignment: the assembler leaves it
 * at 1, and the layout step honours what sections say.
 * AArch64 entry points of the runtime (AAPCS64), each in its own section
 * like the C code (-ffunction-sections) so the layout step can place it. Offsets follow
 * struct xisa_regs: pc 0, sp 8, tp 16, ctl 24, gpr[i] 32 + 8 i,
 * fpr[i] 288 + 8 i. */
#define AREA 1056 /* sizeof(struct xisa_regs), a multiple of 16 */
#define GPR(n) (32 + 8 * (n))
#define FPR(n) (288 + 8 * (n))

  .section .text.__xisa_mig_point, "ax", %progbits
  .p2align 2
  .globl __xisa_mig_point
  .type __xisa_mig_point, %function
/* Called by instrumented code when __xisa_poll is set. Saves the registers
 * a parked frame needs on the stack and hands them to __xisa_park. */
__xisa_mig_point:
  .cfi_startproc
  sub sp, sp, #AREA
  .cfi_def_cfa_offset AREA
  stp x19, x20, [sp, #GPR(19)]
  stp x21, x22, [sp, #GPR(21)]
  stp x23, x24, [sp, #GPR(23)]
  stp x25, x26, [sp, #GPR(25)]
  stp x27, x28, [sp, #GPR(27)]
  stp x29, x30, [sp, #GPR(29)]
  .cfi_offset x29, GPR(29) - AREA
  .cfi_offset x30, GPR(30) - AREA
  stp d8, d9, [sp, #FPR(8)]
  stp d10, d11, [sp, #FPR(10)]
  stp d12, d13, [sp, #FPR(12)]
  stp d14, d15, [sp, #FPR(14)]
  str x30, [sp, #0]
  add x9, sp, #AREA
  str x9, [sp, #8]
  mrs x9, fpcr
  str x9, [sp, #24]
  mov x0, sp
  bl __xisa_park
  ldp x29, x30, [sp, #GPR(29)]
  add sp, sp, #AREA
  .cfi_def_cfa_offset 0
  ret
  .cfi_endproc
  .size __xisa_mig_point, . - __xisa_mig_point

  .section .text.__xisa_resume, "ax", %progbits
  .p2align 2
  .globl __xisa_resume
  .type __xisa_resume, %function
/* __xisa_resume(const struct xisa_regs *): also sets the thread pointer. */
__xisa_resume:
  ldp x19, x20, [x0, #GPR(19)]
  ldp x21, x22, [x0, #GPR(21)]
  ldp x23, x24, [x0, #GPR(23)]
  ldp x25, x26, [x0, #GPR(25)]
  ldp x27, x28, [x0, #GPR(27)]
  ldr x29, [x0, #GPR(29)]
  ldp d8, d9, [x0, #FPR(8)]
  ldp d10, d11, [x0, #FPR(10)]
  ldp d12, d13, [x0, #FPR(12)]
  ldp d14, d15, [x0, #FPR(14)]
  ldr x9, [x0, #24]
  msr fpcr, x9
  ldr x9, [x0, #16]
  msr tpidr_el0, x9
  ldr x9, [x0, #8]
  mov sp, x9
  ldr x30, [x0, #0]
  ret
  .size __xisa_resume, . - __xisa_resume

  .section .text.__xisa_clone_resume, "ax", %progbits
  .p2align 2
  .globl __xisa_clone_resume
  .type __xisa_clone_resume, %function
/* long __xisa_clone_resume(flags, stack, ptid, tls, ctid, regs): clone(2)
 * takes the first five in this order; the new thread goes on at regs
 * (__xisa_resume), the caller gets its tid or -errno. */
__xisa_clone_resume:
  mov x9, x5
  mov x8, #220 /* clone */
  svc #0
  cbnz x0, 1f
  mov x0, x9
  b __xisa_resume
1:
  ret
  .size __xisa_clone_resume, . - __xisa_clone_resume

  .section .text.__xisa_start_main, "ax", %progbits
  .p2align 2
  .globl __xisa_start_main
  .type __xisa_start_main, %function
/* __xisa_start_main(argc, argv, envp, top, base_frame_out): __real_main on
 * the stack ending at top, above a zero frame record (the base frame, stored
 * to *base_frame_out); exit() with its result. The return label names the
 * same point on every ISA for the transformer. 32 bytes of the stack stay
 * above __real_main's CFA, as on ppc64, whose functions save their caller's
 * CR and LR there: a move to ppc64le writes them inside the stack. */
__xisa_start_main:
  and x9, x3, #~15
  sub sp, x9, #16
  stp xzr, xzr, [sp, #-16]!
  mov x29, sp
  str x29, [x4]
  bl __real_main
__xisa_base_ret_main:
  bl exit
  brk #0
  .size __xisa_start_main, . - __xisa_start_main

  .section .text.__xisa_call_thread, "ax", %progbits
  .p2align 2
  .globl __xisa_call_thread
  .type __xisa_call_thread, %function
/* __xisa_call_thread(fn, arg, base_frame_out): fn(arg) above a base frame
 * whose return label is __xisa_base_ret_thread, then
 * __xisa_thread_exit(result). Like main's, the code at the label uses only
 * the result and the stack pointer: a moved thread has no frame below. Weak:
 * only programs that create threads link thread_create.o, which defines
 * it; the others never run this code. */
  .weak __xisa_thread_exit
__xisa_call_thread:
  stp x29, x30, [sp, #-16]!
  mov x29, sp
  str x29, [x2]
  mov x9, x0
  mov x0, x1
  blr x9
__xisa_base_ret_thread:
  bl __xisa_thread_exit
  brk #0
  .size __xisa_call_thread, . - __xisa_call_thread

  .section .note.GNU-stack, "", %progbits

/* Signal return trampolines, replacing musl's restore.o: there the two
   symbols share one section at offsets that differ per ISA, which no layout
   can align. Each gets its own section here. */
  .section .text.__restore,"ax",@progbits
  .p2align 2
  .globl __restore
  .hidden __restore
  .type __restore,%function
__restore:
  mov x8, #139 /* rt_sigreturn */
  svc 0
  .size __restore, .-__restore
  .section .text.__restore_rt,"ax",@progbits
  .p2align 2
  .globl __restore_rt
  .hidden __restore_rt
  .type __restore_rt,%function
__restore_rt:
  mov x8, #139 /* rt_sigreturn */
  svc 0
  .size __restore_rt, .-__restore_rt
