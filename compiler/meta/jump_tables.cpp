#include "meta/jump_tables.h"
#include "support/extend.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrDesc.h"

#include <algorithm>
#include <bit>

using namespace llvm;

namespace xisa::meta {

namespace {

// More entries than any switch the corpus has by far: a bound this large
// is more likely a misread compare than a table.
constexpr uint64_t kMaxEntries = 1 << 16;

// How the code reads the entry the index selects and makes a target of it:
// target = base + (entry << shift), entry = the `entry_bytes` bytes at
// table + index * entry_bytes (sign-extended if `sign`).
struct TableRead {
  size_t indexed = 0; // the first instruction that uses the index
  int index = -1;     // the index register (DWARF)
  uint64_t table = 0;
  unsigned entry_bytes = 0;
  bool sign = false;
  uint64_t base = 0;
  unsigned shift = 0;
  // The largest index the scaling itself lets through, if it masks (ppc64's
  // rlwinm s, idx, 3, 22, 28 is (idx & 0x7f) * 8).
  std::optional<uint64_t> mask;
};

// The largest index the code lets through: a bounds check's, exactly the
// table's last entry, or a mask's (a computed goto's `op & 0x7f`), which
// the table may end before.
struct Bound {
  uint64_t last = 0;
  bool masked = false;
};

// A mask of the low `bits` bits, if that is a bound worth reading.
std::optional<uint64_t> lowMask(int64_t bits) {
  if (bits <= 0 || bits >= 64)
    return std::nullopt;
  return (uint64_t(1) << bits) - 1;
}

// The bounds check: a conditional branch away from the table (to the
// default case) taken when the compared register is above `bound`.
struct Guard {
  bool exclusive = false; // taken at `bound` too (x86's jae, AArch64's b.hs)
  StringRef field;        // ppc64: the condition-register field it tests
};

class Matcher {
public:
  Matcher(const Disassembler &code, std::span<const Instr> instrs,
          function_ref<bool(size_t)> falls_only,
          function_ref<std::optional<uint64_t>(size_t, int)> number)
      : code_(code), instrs_(instrs), falls_only_(falls_only), number_(number) {}

  std::optional<TableRead> read(size_t branch) const {
    switch (code_.isa()) {
    case Isa::X86_64: return readX86(branch);
    case Isa::AArch64: return readAarch64(branch);
    case Isa::PPC64LE: return readPpc(branch);
    }
    return std::nullopt;
  }

  // The largest index the bounds check or the mask before `read.indexed`
  // lets through.
  std::optional<Bound> bound(const TableRead &read) const {
    std::optional<Guard> guard;
    int index = read.index;
    for (size_t j = read.indexed; j > 0 && falls_only_(j); --j) {
      const MCInst &inst = instrs_[j - 1].inst;
      const MCInstrDesc &desc = code_.desc(inst);
      // A mask bounds the index whatever a check found after it compares.
      if (auto mask = maskOf(inst, index))
        return Bound{*mask, true};
      if (guard) {
        if (auto compared = compare(inst, *guard)) {
          auto [reg, limit] = *compared;
          if (reg != index || limit < 0 || (guard->exclusive && limit == 0))
            return std::nullopt;
          return Bound{uint64_t(limit) - (guard->exclusive ? 1 : 0), false};
        }
        if (writesCondition(inst, *guard))
          return std::nullopt;
      }
      // The check may test the register the index was copied from (Lua's
      // luaK_posfix: cmp w5, #20; b.hi; mov w8, w5; ldrsw [x9, x8, lsl #2]).
      if (auto source = copiedInto(inst, index)) {
        index = *source;
        continue;
      }
      if (llvm::is_contained(code_.defs(inst), index) || desc.isCall())
        return std::nullopt;
      if (desc.isBranch() || desc.isReturn()) {
        if (guard)
          return std::nullopt;
        guard = guardOf(inst);
        if (!guard)
          return std::nullopt;
      }
    }
    return std::nullopt;
  }

private:
  StringRef name(const MCInst &inst) const { return code_.opcode_name(inst); }
  int reg(const MCInst &inst, unsigned i) const { return code_.reg(inst, i); }
  int64_t imm(const MCInst &inst, unsigned i) const { return code_.imm(inst, i); }

  // The last instruction before `i`, in the code that only falls into it,
  // that writes `reg`.
  std::optional<size_t> definition(size_t i, int reg) const {
    for (size_t j = i; j > 0 && falls_only_(j); --j)
      if (llvm::is_contained(code_.defs(instrs_[j - 1].inst), reg))
        return j - 1;
    return std::nullopt;
  }

  // jmp *table(,idx,8): absolute 8-byte targets (a static executable).
  std::optional<TableRead> readX86(size_t branch) const {
    const MCInst &jmp = instrs_[branch].inst;
    if (name(jmp) != "JMP64m" || jmp.getNumOperands() != 5 || jmp.getOperand(0).getReg() ||
        imm(jmp, 1) != 8 || reg(jmp, 2) < 0 || !jmp.getOperand(3).isImm() ||
        jmp.getOperand(4).getReg())
      return std::nullopt;
    return TableRead{branch, reg(jmp, 2), uint64_t(imm(jmp, 3)), 8, false, 0, 0, std::nullopt};
  }

  std::optional<TableRead> readAarch64(size_t branch) const {
    const MCInst &br = instrs_[branch].inst;
    if (name(br) != "BR")
      return std::nullopt;
    auto def = definition(branch, reg(br, 0));
    if (!def)
      return std::nullopt;
    // ldr t, [table, idx, lsl #3]; br t: absolute addresses (a computed
    // goto's table of labels).
    if (name(instrs_[*def].inst) == "LDRXroX")
      return aarch64Load(*def);
    // add t, base, e{, lsl #2} (the shifter operand: LSL is type 0, so the
    // operand is the shift)
    if (name(instrs_[*def].inst) != "ADDXrs")
      return std::nullopt;
    const MCInst &sum = instrs_[*def].inst;
    auto base = number_(*def, reg(sum, 1));
    auto load = definition(*def, reg(sum, 2));
    auto read = load ? aarch64Load(*load) : std::nullopt;
    if (!base || !read || read->entry_bytes == 8)
      return std::nullopt;
    // 1- and 2-byte entries count instructions; 4-byte ones, which a
    // function too large for those has (Lua's llex), count bytes.
    read->base = *base;
    read->shift = read->entry_bytes == 4 ? 0 : 2;
    if (imm(sum, 3) != int64_t(read->shift))
      return std::nullopt;
    return read;
  }

  // The entry instrs_[load] reads: ldr{b,h,sw,} e, [table, idx{, lsl #s}].
  std::optional<TableRead> aarch64Load(size_t load) const {
    struct Entry {
      unsigned bytes;
      bool sign;
    };
    static const StringMap<Entry> loads = {{"LDRBBroX", {1, false}},
                                           {"LDRHHroX", {2, false}},
                                           {"LDRSWroX", {4, true}},
                                           {"LDRXroX", {8, false}}};
    const MCInst &ld = instrs_[load].inst;
    auto entry = loads.find(name(ld));
    // [table, idx{, lsl #log2(bytes)}]: operands 3 and 4 are the index's
    // sign extension and whether it is scaled.
    if (entry == loads.end() || imm(ld, 3) != 0 || (entry->second.bytes > 1 && imm(ld, 4) == 0))
      return std::nullopt;
    auto table = number_(load, reg(ld, 1));
    if (!table)
      return std::nullopt;
    return TableRead{load, reg(ld, 2), *table, entry->second.bytes, entry->second.sign, 0, 0,
                     std::nullopt};
  }

  // Entries are signed 32-bit offsets from the table (a switch's) or
  // absolute addresses (a computed goto's labels).
  std::optional<TableRead> readPpc(size_t branch) const {
    StringRef bctr = name(instrs_[branch].inst);
    if (bctr != "BCTR" && bctr != "BCTR8")
      return std::nullopt;
    std::optional<size_t> mtctr;
    for (size_t j = branch; j > 0 && falls_only_(j) && !mtctr; --j)
      if (name(instrs_[j - 1].inst).starts_with("MTCTR"))
        mtctr = j - 1;
    if (!mtctr)
      return std::nullopt;
    auto def = definition(*mtctr, reg(instrs_[*mtctr].inst, 0));
    if (!def)
      return std::nullopt;
    // ldx t, table, s
    if (name(instrs_[*def].inst) == "LDX")
      return ppcLoad(*def, 8);
    // lwax e, table, s; add t, e, table
    if (!(name(instrs_[*def].inst) == "ADD4" || name(instrs_[*def].inst) == "ADD8"))
      return std::nullopt;
    const MCInst &sum = instrs_[*def].inst;
    for (auto [entryReg, tableReg] : {std::pair{reg(sum, 1), reg(sum, 2)},
                                      std::pair{reg(sum, 2), reg(sum, 1)}}) {
      auto table = number_(*def, tableReg);
      auto load = definition(*def, entryReg);
      if (!table || !load || name(instrs_[*load].inst) != "LWAX")
        continue;
      auto read = ppcLoad(*load, 4);
      if (!read || read->table != *table)
        return std::nullopt;
      read->sign = true;
      read->base = *table;
      return read;
    }
    return std::nullopt;
  }

  // The entry instrs_[load] reads: a load indexed by two registers, the
  // table and the index scaled to the entry's `bytes` (4 or 8).
  std::optional<TableRead> ppcLoad(size_t load, unsigned bytes) const {
    const MCInst &ld = instrs_[load].inst;
    for (auto [tableReg, scaledReg] : {std::pair{reg(ld, 1), reg(ld, 2)},
                                       std::pair{reg(ld, 2), reg(ld, 1)}}) {
      auto table = number_(load, tableReg);
      auto scale = definition(load, scaledReg);
      auto bits = scale ? ppcIndexBits(instrs_[*scale].inst, std::countr_zero(bytes))
                        : std::nullopt;
      if (table && bits)
        return TableRead{*scale, reg(instrs_[*scale].inst, 1), *table, bytes, false, 0, 0,
                         lowMask(*bits)};
    }
    return std::nullopt;
  }

  // The low bits of the index that `shift` keeps when it scales it by
  // 2^sh: rldic s, idx, sh, mb (the low bits of idx times 2^sh),
  // sldi s, idx, sh, or rlwinm s, idx, sh, mb, 31 - sh (the same in 32 bits).
  std::optional<int64_t> ppcIndexBits(const MCInst &shift, int64_t sh) const {
    StringRef op = name(shift);
    if (imm(shift, 2) != sh)
      return std::nullopt;
    if (op == "RLDIC")
      return 64 - sh - imm(shift, 3);
    if (op == "RLDICR" && imm(shift, 3) == 63 - sh)
      return 64 - sh;
    if ((op == "RLWINM" || op == "RLWINM8") && imm(shift, 4) == 31 - sh)
      return 32 - sh - imm(shift, 3);
    return std::nullopt;
  }

  std::optional<Guard> guardOf(const MCInst &inst) const {
    StringRef op = name(inst);
    switch (code_.isa()) {
    case Isa::X86_64: // ja (COND_A) or jae (COND_AE)
      if (op == "JCC_1" || op == "JCC_4") {
        if (imm(inst, 1) == 7 || imm(inst, 1) == 3)
          return Guard{imm(inst, 1) == 3, {}};
      }
      return std::nullopt;
    case Isa::AArch64: // b.hi or b.hs
      if (op == "Bcc" && (imm(inst, 0) == 8 || imm(inst, 0) == 2))
        return Guard{imm(inst, 0) == 2, {}};
      return std::nullopt;
    case Isa::PPC64LE: {
      // bt/bclr on a field's GT bit: BO 0b011zz branches if the bit is set.
      StringRef bit = code_.reg_name(inst, 1);
      if ((op == "gBC" || op == "gBCLR") && (imm(inst, 0) & ~3) == 12 && bit.ends_with("GT"))
        return Guard{false, bit.drop_back(2)};
      return std::nullopt;
    }
    }
    return std::nullopt;
  }

  // The register whose value `inst` copies into `reg`, if it is such a
  // copy (AArch64's mov: orr with the zero register, unshifted; a 32-bit
  // copy keeps an unsigned bound of its source).
  std::optional<int> copiedInto(const MCInst &inst, int reg) const {
    if (code_.is_aarch64_register_move(inst) && this->reg(inst, 0) == reg)
      return this->reg(inst, 2);
    return std::nullopt;
  }

  // The largest value `inst` leaves in `reg` when it masks it to its low
  // bits (x86's and $0x7f, AArch64's and #0x7f).
  std::optional<uint64_t> maskOf(const MCInst &inst, int reg) const {
    StringRef op = name(inst);
    if (this->reg(inst, 0) != reg || inst.getNumOperands() != 3)
      return std::nullopt;
    uint64_t mask = 0;
    if (code_.isa() == Isa::X86_64 && (op == "AND32ri8" || op == "AND32ri" ||
                                       op == "AND64ri8" || op == "AND64ri32"))
      mask = uint64_t(imm(inst, 2));
    else if (code_.isa() == Isa::AArch64 && (op == "ANDXri" || op == "ANDWri"))
      mask = Disassembler::aarch64_logical_immediate(uint64_t(imm(inst, 2)),
                                                     op == "ANDXri" ? 64 : 32);
    else
      return std::nullopt;
    if (!mask || (mask & (mask + 1)))
      return std::nullopt;
    return mask;
  }

  // The register and the number an unsigned compare for `guard` compares.
  std::optional<std::pair<int, int64_t>> compare(const MCInst &inst, const Guard &guard) const {
    StringRef op = name(inst);
    switch (code_.isa()) {
    case Isa::X86_64:
      if (op == "CMP64ri8" || op == "CMP64ri32" || op == "CMP32ri8" || op == "CMP32ri")
        return std::pair{reg(inst, 0), imm(inst, 1)};
      return std::nullopt;
    case Isa::AArch64: // cmp = subs to the zero register, unshifted
      if ((op == "SUBSWri" || op == "SUBSXri") && reg(inst, 0) < 0 && imm(inst, 3) == 0)
        return std::pair{reg(inst, 1), imm(inst, 2)};
      return std::nullopt;
    case Isa::PPC64LE:
      if ((op == "CMPLWI" || op == "CMPLDI") && code_.reg_name(inst, 0) == guard.field)
        return std::pair{reg(inst, 1), imm(inst, 2)};
      return std::nullopt;
    }
    return std::nullopt;
  }

  // Whether `inst` may change what the guard tests: flags are implicit
  // definitions; a ppc64 field is one, or the instruction's first operand.
  bool writesCondition(const MCInst &inst, const Guard &guard) const {
    const MCInstrDesc &desc = code_.desc(inst);
    if (!desc.implicit_defs().empty())
      return true;
    return code_.isa() == Isa::PPC64LE && desc.getNumDefs() > 0 &&
           code_.reg_name(inst, 0).starts_with(guard.field);
  }

  const Disassembler &code_;
  std::span<const Instr> instrs_;
  function_ref<bool(size_t)> falls_only_;
  function_ref<std::optional<uint64_t>(size_t, int)> number_;
};

} // namespace

std::optional<std::vector<uint64_t>>
jump_table_targets(const Disassembler &code, std::span<const Instr> instrs, size_t branch,
                   function_ref<bool(size_t)> falls_only,
                   function_ref<std::optional<uint64_t>(size_t, int)> number) {
  Matcher matcher(code, instrs, falls_only, number);
  auto read = matcher.read(branch);
  if (!read || read->index < 0)
    return std::nullopt;
  auto bound = matcher.bound(*read);
  if (!bound && read->mask)
    bound = Bound{*read->mask, true};
  if (!bound || bound->last >= kMaxEntries)
    return std::nullopt;
  auto isInstruction = [&](uint64_t pc) {
    return std::ranges::binary_search(instrs, pc, {}, &Instr::pc);
  };
  std::vector<uint64_t> targets;
  for (uint64_t i = 0; i <= bound->last; ++i) {
    auto entry = code.read_constant(read->table + i * read->entry_bytes, read->entry_bytes);
    uint64_t target = entry ? read->base + (extend_low(*entry, read->entry_bytes, read->sign)
                                            << read->shift)
                            : 0;
    if (!bound->masked) {
      if (!entry)
        return std::nullopt;
      targets.push_back(target);
      continue;
    }
    // A mask bounds the index, not the table: Lua's 83 labels under
    // `& 0x7f`. Every entry of a table of labels is an instruction of the
    // function, or null for a hole no correct program jumps through, so
    // the first entry that is neither is past the table's end: a correct
    // program indexes no further. Words past the end that happen to be
    // instructions of the function only add targets, which costs known
    // values, never correctness.
    if (entry && *entry == 0 && read->base == 0)
      continue;
    if (!entry || !isInstruction(target))
      break;
    targets.push_back(target);
  }
  if (targets.empty())
    return std::nullopt;
  return targets;
}

} // namespace xisa::meta
