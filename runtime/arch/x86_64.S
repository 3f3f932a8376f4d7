/* x86-64 entry points of the runtime (SysV ABI), each in its own section
 * like the C code (-ffunction-sections) so the layout step can place it. Offsets follow
 * struct xisa_regs: pc 0, sp 8, tp 16, ctl 24, gpr[i] 32 + 8 i. */
#define AREA 1064 /* sizeof(struct xisa_regs) + 8 keeps %rsp 16-aligned at the call */
#define GPR(n) (32 + 8 * (n))

  .section .text.__xisa_mig_point, "ax", @progbits
  .globl __xisa_mig_point
  .type __xisa_mig_point, @function
/* Called by instrumented code when __xisa_poll is set. Saves the registers
 * a parked frame needs on the stack and hands them to __xisa_park. */
__xisa_mig_point:
  .cfi_startproc
  sub $AREA, %rsp
  .cfi_adjust_cfa_offset AREA
  mov %rbx, GPR(3)(%rsp)
  mov %rbp, GPR(6)(%rsp)
  mov %r12, GPR(12)(%rsp)
  mov %r13, GPR(13)(%rsp)
  mov %r14, GPR(14)(%rsp)
  mov %r15, GPR(15)(%rsp)
  mov AREA(%rsp), %rax
  mov %rax, 0(%rsp)
  lea AREA+8(%rsp), %rax
  mov %rax, 8(%rsp)
  stmxcsr 24(%rsp)
  fnstcw 28(%rsp)
  mov %rsp, %rdi
  call __xisa_park
  add $AREA, %rsp
  .cfi_adjust_cfa_offset -AREA
  ret
  .cfi_endproc
  .size __xisa_mig_point, . - __xisa_mig_point

  .section .text.__xisa_resume, "ax", @progbits
  .globl __xisa_resume
  .type __xisa_resume, @function
/* __xisa_resume(const struct xisa_regs *): the thread pointer is already set. */
__xisa_resume:
  mov GPR(3)(%rdi), %rbx
  mov GPR(6)(%rdi), %rbp
  mov GPR(12)(%rdi), %r12
  mov GPR(13)(%rdi), %r13
  mov GPR(14)(%rdi), %r14
  mov GPR(15)(%rdi), %r15
  ldmxcsr 24(%rdi)
  fldcw 28(%rdi)
  mov 8(%rdi), %rsp
  jmp *0(%rdi)
  .size __xisa_resume, . - __xisa_resume

  .section .text.__xisa_clone_resume, "ax", @progbits
  .globl __xisa_clone_resume
  .type __xisa_clone_resume, @function
/* long __xisa_clone_resume(flags, stack, ptid, tls, ctid, regs): clone(2);
 * the new thread goes on at regs (__xisa_resume), the caller gets its tid or
 * -errno. regs stays in %r9, which syscall preserves and the child copies. */
__xisa_clone_resume:
  mov %r8, %r10
  mov %rcx, %r8
  mov $56, %eax /* clone */
  syscall
  test %rax, %rax
  jnz 1f
  mov %r9, %rdi
  jmp __xisa_resume
1:
  ret
  .size __xisa_clone_resume, . - __xisa_clone_resume

  .section .text.__xisa_start_main, "ax", @progbits
  .globl __xisa_start_main
  .type __xisa_start_main, @function
/* __xisa_start_main(argc, argv, envp, top, base_frame_out): __real_main on
 * the stack ending at top, above an empty frame record (the base frame,
 * stored to *base_frame_out); exit() with its result. The return label
 * names the same point on every ISA for the transformer. 32 bytes of the
 * stack stay above __real_main's CFA, as on ppc64, whose functions save
 * their caller's CR and LR there: a move to ppc64le writes them inside the
 * stack. */
__xisa_start_main:
  and $-16, %rcx
  lea -16(%rcx), %rsp
  push $0
  push $0
  mov %rsp, %rbp
  mov %rbp, (%r8)
  call __real_main
/* Local: a return label inside this function, not an entity of its own,
   so it need not (and cannot) share one address on every ISA. The
   transformer finds it in the symbol table. */
__xisa_base_ret_main:
  mov %eax, %edi
  and $-16, %rsp
  call exit
  ud2
  .size __xisa_start_main, . - __xisa_start_main

  .section .text.__xisa_call_thread, "ax", @progbits
  .globl __xisa_call_thread
  .type __xisa_call_thread, @function
/* __xisa_call_thread(fn, arg, base_frame_out): fn(arg) above a base frame
 * whose return label is __xisa_base_ret_thread, then
 * __xisa_thread_exit(result). Like main's, the code at the label uses only
 * the result and the stack pointer: a moved thread has no frame below. Weak:
 * only programs that create threads link thread_create.o, which defines
 * it; the others never run this code. */
  .weak __xisa_thread_exit
__xisa_call_thread:
  push %rbp
  mov %rsp, %rbp
  mov %rbp, (%rdx)
  mov %rdi, %rax
  mov %rsi, %rdi
  call *%rax
__xisa_base_ret_thread:
  mov %rax, %rdi
  and $-16, %rsp
  call __xisa_thread_exit
  ud2
  .size __xisa_call_thread, . - __xisa_call_thread

  .section .note.GNU-stack, "", @progbits

/* Signal return trampolines, replacing musl's restore.o: there the two
   symbols share one section at offsets that differ per ISA, which no layout
   can align. Each gets its own section here. */
  .section .text.__restore_rt,"ax",@progbits
  .globl __restore_rt
  .hidden __restore_rt
  .type __restore_rt,@function
__restore_rt:
  mov $15, %rax /* rt_sigreturn */
  syscall
  .size __restore_rt, .-__restore_rt
