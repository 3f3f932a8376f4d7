// Reads the jump table behind a switch's indirect branch, so that the
// dataflow (known_values.h) follows the branch to its cases only: taken to
// reach any instruction, its state would also flow into the middle of a
// two-instruction constant (aarch64's adrp/add of a hoisted address) and
// lose it. The code generators lower a dense switch to a bounds check, a
// load of the entry the index selects and a branch to the address made of
// it:
//   x86-64:  cmp $N, idx; ja default; jmp *table(,idx,8)
//   AArch64: cmp idx, #N; b.hi default; adr base, L;
//            ldrb|ldrh|ldrsw e, [table, idx{, lsl #s}]; add t, base, e{, lsl #2}; br t
//   ppc64:   cmplwi idx, N; bt gt, default (or bclr); rldic s, idx, 2, 30;
//            lwax e, table, s; add t, e, table; mtctr t; bctr
// A computed goto (`goto *labels[op & 0x7f]`) loads an absolute address
// from a table of labels, the index bounded by a mask only:
//   x86-64:  and $0x7f, idx; jmp *table(,idx,8)
//   AArch64: and idx, op, #0x7f; ldr t, [table, idx, lsl #3]; br t
//   ppc64:   rlwinm s, op, 3, 22, 28; ldx t, table, s; mtctr t; bctr
#pragma once
#include "meta/disassembler.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace xisa::meta {

// The addresses the indirect branch instrs[branch] may go to, one per
// table entry (repeats kept). `falls_only(i)`: instruction i is reached
// only by falling through from instruction i - 1; `number(i, reg)`: the
// number DWARF register `reg` holds before instruction i, if the dataflow
// knows one. A table bounded by a mask ends at the mask's bound or before
// its first entry that is neither an instruction of `instrs` nor null.
// nullopt if the code has another shape, the bounds check does not guard
// the index the load uses, or the table cannot be read: the branch may then
// go anywhere.
std::optional<std::vector<uint64_t>>
jump_table_targets(const Disassembler &code, std::span<const Instr> instrs, size_t branch,
                   llvm::function_ref<bool(size_t)> falls_only,
                   llvm::function_ref<std::optional<uint64_t>(size_t, int)> number);

} // namespace xisa::meta
