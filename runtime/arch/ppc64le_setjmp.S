/* __xisa_setjmp and __xisa_sigsetjmp, where the pass sends the program's
 * setjmp, _setjmp and sigsetjmp: note the buffer (src/jmp_bufs.c), then
 * branch into musl's function (its local entry: one TOC in a static
 * executable) with the caller's link register and stack as they were, so
 * the buffer holds what musl's alone would. Apart from ppc64le.S: only
 * programs that call setjmp link this, and with it musl's setjmp. Each
 * function in its own section, like the rest of the runtime. */
#define FRAME 48 /* ELFv2 header (32) and the two arguments */

.macro NOTE_THEN name, target
  .section .text.\name, "ax", @progbits
  .p2align 2
  .globl \name
  .type \name, @function
\name:
0: addis 2, 12, .TOC.-0b@ha
  addi 2, 2, .TOC.-0b@l
  .localentry \name, . - \name
  mflr 0
  std 0, 16(1)
  stdu 1, -FRAME(1)
  std 3, 32(1)
  std 4, 40(1)
  addi 4, 1, FRAME /* the caller's stack pointer */
  bl __xisa_note_jmp_buf
  nop
  ld 3, 32(1)
  ld 4, 40(1)
  addi 1, 1, FRAME
  ld 0, 16(1)
  mtlr 0
  b \target
  .size \name, . - \name
.endm

  .abiversion 2
NOTE_THEN __xisa_setjmp, setjmp
NOTE_THEN __xisa_sigsetjmp, sigsetjmp

  .section .note.GNU-stack, "", @progbits
