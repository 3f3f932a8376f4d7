/* __xisa_setjmp and __xisa_sigsetjmp, where the pass sends the program's
 * setjmp, _setjmp and sigsetjmp: note the buffer (src/jmp_bufs.c), then
 * jump into musl's function with the caller's return address and stack as
 * they were, so the buffer holds what musl's alone would. Apart from
 * x86_64.S: only programs that call setjmp link this, and with it musl's
 * setjmp. Each function in its own section, like the rest of the runtime. */
.macro NOTE_THEN name, target
  .section .text.\name, "ax", @progbits
  .globl \name
  .type \name, @function
\name:
  .cfi_startproc
  push %rdi
  .cfi_adjust_cfa_offset 8
  push %rsi
  .cfi_adjust_cfa_offset 8
  lea 24(%rsp), %rsi /* the caller's stack pointer once setjmp returns */
  sub $8, %rsp       /* 16-byte aligned at the call */
  .cfi_adjust_cfa_offset 8
  call __xisa_note_jmp_buf
  add $8, %rsp
  .cfi_adjust_cfa_offset -8
  pop %rsi
  .cfi_adjust_cfa_offset -8
  pop %rdi
  .cfi_adjust_cfa_offset -8
  jmp \target
  .cfi_endproc
  .size \name, . - \name
.endm

NOTE_THEN __xisa_setjmp, setjmp
NOTE_THEN __xisa_sigsetjmp, sigsetjmp

  .section .note.GNU-stack, "", @progbits
