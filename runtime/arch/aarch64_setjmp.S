/* __xisa_setjmp and __xisa_sigsetjmp, where the pass sends the program's
 * setjmp, _setjmp and sigsetjmp: note the buffer (src/jmp_bufs.c), then
 * branch into musl's function with the caller's link register and stack as
 * they were, so the buffer holds what musl's alone would. Apart from
 * aarch64.S: only programs that call setjmp link this, and with it musl's
 * setjmp. Each function in its own section, like the rest of the runtime. */
.macro NOTE_THEN name, target
  .section .text.\name, "ax", %progbits
  .p2align 2
  .globl \name
  .type \name, %function
\name:
  .cfi_startproc
  stp x29, x30, [sp, #-32]!
  .cfi_def_cfa_offset 32
  .cfi_offset x29, -32
  .cfi_offset x30, -24
  mov x29, sp
  stp x0, x1, [sp, #16]
  add x1, sp, #32 /* the caller's stack pointer */
  bl __xisa_note_jmp_buf
  ldp x0, x1, [sp, #16]
  ldp x29, x30, [sp], #32
  .cfi_def_cfa_offset 0
  .cfi_restore x29
  .cfi_restore x30
  b \target
  .cfi_endproc
  .size \name, . - \name
.endm

NOTE_THEN __xisa_setjmp, setjmp
NOTE_THEN __xisa_sigsetjmp, sigsetjmp

  .section .note.GNU-stack, "", %progbits
