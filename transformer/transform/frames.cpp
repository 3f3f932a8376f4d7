#include "transform/frames.h"

#include "support/error.h"
#include "support/extend.h"

#include <algorithm>
#include <bit>
#include <bitset>
#include <cstring>
#include <map>

namespace xisa::transform {

using meta::LiveValue;
using meta::LocationKind;
using meta::SavedRegister;

// Deeper than any stack a runtime stack can hold; stops a cyclic chain.
static constexpr size_t kMaxFrames = 1 << 20;

static RegValue load(const images::Memory &memory, uint64_t addr, unsigned size) {
  if (size > 16)
    fail("a live value of {} bytes at {:#x}: more than a register holds", size, addr);
  uint8_t bytes[16] = {};
  memory.read(addr, {bytes, size});
  RegValue v;
  std::memcpy(&v.lo, bytes, 8);
  std::memcpy(&v.hi, bytes + 8, 8);
  return v;
}

static void store(images::Memory &memory, uint64_t addr, const RegValue &v, unsigned size) {
  if (size > 16)
    fail("a live value of {} bytes at {:#x}: more than a register holds", size, addr);
  uint8_t bytes[16];
  std::memcpy(bytes, &v.lo, 8);
  std::memcpy(bytes + 8, &v.hi, 8);
  memory.write(addr, {bytes, size});
}

// A register's value from the slot a prologue saved it in; a
// condition-register field is 4 bits of the saved 32-bit word.
static RegValue load_saved(const images::Memory &memory, const Abi &abi, uint64_t addr,
                           uint16_t reg) {
  int field = abi.condition_field(reg);
  if (field < 0)
    return load(memory, addr, abi.reg_size(reg));
  return {condition_field_of(load(memory, addr, 4).lo, field), 0};
}

static void store_saved(images::Memory &memory, const Abi &abi, uint64_t addr, uint16_t reg,
                        const RegValue &v) {
  int field = abi.condition_field(reg);
  if (field < 0)
    return store(memory, addr, v, abi.reg_size(reg));
  store(memory, addr, {with_condition_field(load(memory, addr, 4).lo, field, v.lo), 0}, 4);
}

// The bits of a ppc64 condition-register field that a compare of a with b
// gives, which leaves LT, GT or EQ (SO clear): those `compare` says the
// field holds, where it holds them.
static uint64_t condition_bits_of(uint64_t a, uint64_t b, const meta::Comparison &compare) {
  a &= compare.mask;
  if (compare.bytes == 4) {
    a = extend_low(a, 4, compare.is_signed);
    b = extend_low(b, 4, compare.is_signed);
  }
  bool less = compare.is_signed ? int64_t(a) < int64_t(b) : a < b;
  uint64_t result = a == b ? 2 : less ? 8 : 4;
  uint64_t field = 0;
  for (size_t i = 0; i < compare.result_bit.size(); ++i) {
    uint8_t from = compare.result_bit[i];
    if (from == meta::Comparison::kNoBit)
      continue;
    uint64_t mask = 8 >> i;
    if (((result >> (3 - from)) & 1) != bool(compare.complemented & mask))
      field |= mask;
  }
  return field;
}

// Keeps the low `size` bytes of v.
static RegValue truncate(RegValue v, unsigned size) {
  if (size < 16)
    v.hi = size <= 8 ? 0 : v.hi & (~0ull >> (8 * (16 - size)));
  if (size < 8)
    v.lo &= ~0ull >> (8 * (8 - size));
  return v;
}

// A float in a ppc64 floating-point register is held in double format.
static bool ppc_single_in_register(Isa isa, const LiveValue &lv) {
  return isa == Isa::PPC64LE && lv.kind == LocationKind::Register &&
         lv.type.value_class == ValueClass::Float && lv.type.bits == 32;
}

// ppc64 keeps a scalar in a vector register (v20-v31 survive calls) in
// its first doubleword, which the register images (the runtime's and the
// kernel's stvx, on little-endian) and a prologue's stvx put in bytes 8-15.
static bool ppc_scalar_in_vector_register(Isa isa, const LiveValue &lv) {
  return isa == Isa::PPC64LE && lv.kind == LocationKind::Register &&
         abi(isa).reg_size(lv.dwarf_reg) == 16 && lv.type.bits <= 64;
}

// ppc64 (power8) spills a vector with stxvd2x, which stores the register's
// first doubleword (element 1 of a little-endian vector) at the lower
// address: the halves of memory order exchanged. The register images keep
// memory order (stvx).
static bool ppc_vector_in_slot(Isa isa, const LiveValue &lv) {
  return isa == Isa::PPC64LE && lv.kind == LocationKind::Indirect &&
         lv.type.value_class == ValueClass::Vector;
}

// The value as its IR type lays it out in memory (the ISAs agree on that),
// from its form in the source location.
static RegValue to_memory_form(RegValue v, const LiveValue &lv, Isa isa) {
  if (ppc_vector_in_slot(isa, lv))
    v = {v.hi, v.lo};
  if (ppc_scalar_in_vector_register(isa, lv))
    v = {v.hi, 0};
  if (ppc_single_in_register(isa, lv))
    v = {std::bit_cast<uint32_t>(static_cast<float>(std::bit_cast<double>(v.lo))), 0};
  unsigned bytes = lv.type.bits % 8 == 0 && lv.type.bits ? lv.type.bits / 8 : lv.size;
  return truncate(v, std::min<unsigned>(bytes, lv.size));
}

// The value in the destination location's form.
static RegValue to_location_form(RegValue v, const LiveValue &lv, Isa isa) {
  if (ppc_single_in_register(isa, lv))
    v = {std::bit_cast<uint64_t>(static_cast<double>(std::bit_cast<float>(uint32_t(v.lo)))), 0};
  if (ppc_scalar_in_vector_register(isa, lv))
    v = {0, v.lo};
  if (ppc_vector_in_slot(isa, lv))
    v = {v.hi, v.lo};
  return v;
}

// Bytes of a stack slot that hold the value. x86 spills a scalar float
// from a 16-byte xmm register class, so the record gives the slot 16 bytes,
// but the code stores and reloads only the scalar, and the rest of those 16
// bytes may be a neighbouring slot (a float at fp-36 beside a double at
// fp-32). Integers keep the slot's width: a narrow value in a full-width
// slot is reloaded whole.
static unsigned slot_bytes(const LiveValue &lv) {
  if (lv.type.value_class == ValueClass::Float && lv.type.bits % 8 == 0 && lv.type.bits)
    return std::min<unsigned>(lv.type.bits / 8, lv.size);
  return lv.size;
}

// `what` ("a live value", "a known value") is in `reg` at the site's return
// address, so a call must preserve that register.
static void check_register(const Abi &abi, const meta::CallSite &site, uint16_t reg,
                           const char *what, const std::string &path) {
  if (reg >= kNumDwarfRegs || !abi.is_callee_saved(reg))
    fail("{}: call site {:#x} keeps {} in DWARF register {}, which a call does not "
         "preserve on {}: the metadata describes a point after the call, not its return address",
         path, site.id, what, reg, name(abi.isa));
}

static RegValue read_live_value(const meta::CallSite &site, const LiveValue &lv,
                                const RegFile &regs, const images::Memory &memory,
                                const Abi &abi, const std::string &path) {
  switch (lv.kind) {
  case LocationKind::Register:
    check_register(abi, site, lv.dwarf_reg, "a live value", path);
    // The whole register: an f64 that ppc64 keeps in a vector register has
    // 8 bytes in its record but sits in the image's upper half
    // (to_memory_form, which cuts every value to its size).
    return regs.regs[lv.dwarf_reg];
  case LocationKind::Indirect:
    return load(memory, regs.get(lv.dwarf_reg) + lv.offset, lv.size);
  case LocationKind::Constant:
    return {lv.constant, 0};
  case LocationKind::Direct:
    return {regs.get(lv.dwarf_reg) + lv.offset, 0};
  }
  return {};
}

std::vector<RegValue> read_live_values(const meta::CallSite &site, const RegFile &regs,
                                       const images::Memory &memory, const Program &program) {
  const Abi &abi = transform::abi(program.isa());
  std::vector<RegValue> values;
  values.reserve(site.live_values.size());
  for (const LiveValue &lv : site.live_values)
    values.push_back(read_live_value(site, lv, regs, memory, abi, program.path()));
  return values;
}

SourceStack unwind(const RegFile &start, const images::Memory &memory, const Program &program) {
  const Abi &abi = transform::abi(program.isa());
  SourceStack stack;
  stack.isa = program.isa();
  RegFile regs = start;
  uint64_t pc = start.pc;
  for (;;) {
    const meta::CallSite *site = program.at_return_address(pc);
    if (!site) {
      if (stack.frames.empty())
        fail("the thread is at {:#x}, which is not a migration call site of {}: it was not parked "
             "by the xisa runtime, or the image belongs to another executable",
             pc, program.path());
      stack.base_return = pc;
      stack.base_label = program.base_return_name(pc);
      // What the destination's outermost frame must link to for the runtime
      // to find its base frame (rt_frames_are_safe): ppc64 chains frames by
      // the back chain, so its base frame is the stack pointer there (r31
      // holds nothing of it); x86_64 and aarch64 chain frame pointers.
      stack.base_fp = regs.get(abi.back_chain ? abi.sp : abi.fp);
      return stack;
    }
    if (stack.frames.size() == kMaxFrames)
      fail("more than {} frames: the frame chain is cyclic or corrupt", kMaxFrames);
    const meta::FrameRule &rule = site->frame;
    SourceFrame frame{site, regs.get(rule.cfa_reg) + rule.cfa_offset, {}};
    if (!stack.frames.empty() && frame.cfa <= stack.frames.back().cfa)
      fail("frame {} (call site {:#x}) has its CFA {:#x} at or below the frame it called: the "
           "stack is corrupt",
           stack.frames.size(), site->id, frame.cfa);
    frame.values = read_live_values(*site, regs, memory, program);

    RegFile caller = regs;
    for (const SavedRegister &saved : rule.saved) {
      if (saved.dwarf_reg >= kNumDwarfRegs)
        fail("{}: call site {:#x} saves unknown DWARF register {}", program.path(), site->id,
             saved.dwarf_reg);
      caller.regs[saved.dwarf_reg] =
          saved.rule == SavedRegister::Rule::AtCfaOffset
              ? load_saved(memory, abi, frame.cfa + saved.value, saved.dwarf_reg)
              : regs.regs[saved.value];
    }
    caller.set(abi.sp, frame.cfa);
    pc = caller.get(rule.return_address_reg);
    regs = caller;
    stack.frames.push_back(std::move(frame));
  }
}

namespace {

// Register values the frames outside the one being built expect to find
// when control returns to them: each frame's prologue saves them, and what
// no frame saves stays in the final register file.
struct Expected {
  RegFile values;
  std::bitset<kNumDwarfRegs> wanted;

  void want(uint16_t reg, RegValue v) {
    values.regs[reg] = v;
    wanted.set(reg);
  }
};

// Where a destination frame lies.
struct FrameSpot {
  uint64_t cfa = 0, sp = 0, fp = 0;
  bool has_fp = false;
};

class Builder {
public:
  Builder(const SourceStack &stack, images::Memory &memory, const Program &dst,
          const BlockMove &tls, uint64_t tp, std::span<const ResumeSite> resumes)
      : stack_(stack), memory_(memory), dst_(dst), abi_(abi(dst.isa())), tls_(tls), tp_(tp),
        resumes_(resumes) {}

  RebuiltStack build() {
    for (const ResumeSite &resume : resumes_)
      if (resume.frame >= stack_.frames.size())
        fail("a resume site names frame {} of a stack of {}", resume.frame, stack_.frames.size());
    RebuiltStack out;
    out.resumes.resize(resumes_.size());
    const SourceFrame &outermost = stack_.frames.back();
    uint64_t cfa = outermost.cfa;
    uint16_t ra_column = dst_site(stack_.frames.size() - 1).frame.return_address_reg;
    expected_.want(ra_column, {base_return(), 0});
    expected_.want(abi_.fp, {stack_.base_fp, 0});
    for (size_t k = stack_.frames.size(); k-- > 0;)
      cfa = build_frame(k, cfa, out.resumes);
    out.regs = registers(expected_, cfa, dst_site(0).return_address);
    return out;
  }

private:
  // Where the outermost frame returns to on the destination: the same
  // base-return label, or, on the same ISA, the same address.
  uint64_t base_return() const {
    if (!stack_.base_label.empty())
      return dst_.base_return(stack_.base_label);
    if (stack_.isa == dst_.isa())
      return stack_.base_return;
    fail("frame {} returns to {:#x}, which is neither a call site with metadata nor a base-frame "
         "label ({}*) of the xisa runtime: the stack holds a frame xisa cannot move to {}",
         stack_.frames.size() - 1, stack_.base_return, kBaseReturnPrefix, name(dst_.isa()));
  }

  // The registers a thread has with stack pointer sp at pc, holding what the
  // frames expect.
  RegFile registers(const Expected &expected, uint64_t sp, uint64_t pc) const {
    RegFile out;
    for (uint16_t r = 0; r < kNumDwarfRegs; ++r)
      if (expected.wanted.test(r))
        out.regs[r] = expected.values.regs[r];
    out.set(abi_.sp, sp);
    out.pc = pc;
    out.tp = tp_;
    if (abi_.toc != kNoReg)
      out.set(abi_.toc, dst_.toc());
    if (abi_.tp != kNoReg)
      out.set(abi_.tp, tp_);
    return out;
  }

  const meta::CallSite &dst_site(size_t k) const { return dst_site(*stack_.frames[k].site, k); }

  const meta::CallSite &dst_site(const meta::CallSite &src, size_t k) const {
    const meta::CallSite *site = dst_.with_id(src.id);
    if (!site)
      fail("call site {:#x} (frame {}) has no record in {}: the executables do not come from one "
           "xisa-cc link",
           src.id, k, dst_.path());
    if (site->live_values.size() != src.live_values.size())
      fail("call site {:#x} has {} live values in the source but {} in {}: the executables do "
           "not come from one xisa-cc link",
           src.id, src.live_values.size(), site->live_values.size(), dst_.path());
    return *site;
  }

  // Builds frame k below `cfa`, and the registers of its resume sites;
  // returns its stack pointer at the call, the CFA of the frame it calls.
  uint64_t build_frame(size_t k, uint64_t cfa, std::vector<RegFile> &resumed) {
    const meta::CallSite &site = dst_site(k);
    const meta::FrameRule &rule = site.frame;
    uint64_t stack_size = dst_.function_of(site).stack_size;
    uint64_t sp = cfa - (stack_size + abi_.call_push);
    uint64_t fp = 0;
    bool has_fp = rule.cfa_reg == abi_.fp;
    if (has_fp) {
      fp = cfa - rule.cfa_offset;
      if (abi_.fp_is_sp)
        sp = fp;
    } else if (rule.cfa_reg == abi_.sp) {
      sp = cfa - rule.cfa_offset; // exact, where the stackmap's size may not be
    } else {
      fail("{}: call site {:#x} has its CFA in DWARF register {}, neither the stack nor the frame "
           "pointer",
           dst_.path(), site.id, rule.cfa_reg);
    }
    // Every save slot and the frame pointer lie inside the frame.
    int64_t lowest = 0;
    for (const SavedRegister &saved : rule.saved)
      if (saved.rule == SavedRegister::Rule::AtCfaOffset)
        lowest = std::min(lowest, saved.value);
    if (sp > cfa + lowest || (has_fp && sp > fp))
      fail("{}: call site {:#x}: a frame of {} bytes cannot hold its save slots ({} below the "
           "CFA) or frame pointer; the metadata's frame size is wrong",
           dst_.path(), site.id, cfa - sp, -lowest);
    memory_.ensure(sp, cfa - sp);

    // This frame's prologue saved what the frames outside it expect.
    for (const SavedRegister &saved : rule.saved) {
      uint16_t reg = saved.dwarf_reg;
      bool wanted = reg < kNumDwarfRegs && expected_.wanted.test(reg);
      if (saved.rule == SavedRegister::Rule::InRegister) {
        if (wanted)
          expected_.want(uint16_t(saved.value), expected_.values.regs[reg]);
      } else {
        store_saved(memory_, abi_, cfa + saved.value, reg,
                    wanted ? expected_.values.regs[reg] : RegValue{});
      }
      if (wanted)
        expected_.wanted.reset(reg);
    }
    if (abi_.back_chain)
      memory_.store64(sp, cfa);

    // What is left in expected_ are the registers the frames outside expect
    // and this one does not save: a longjmp to a resume site must keep them.
    FrameSpot spot{cfa, sp, fp, has_fp};
    const SourceFrame &src = stack_.frames[k];
    for (size_t r = 0; r < resumes_.size(); ++r) {
      const ResumeSite &resume = resumes_[r];
      if (resume.frame != k)
        continue;
      const meta::CallSite &at = dst_site(*resume.site, k);
      if (at.function != site.function)
        fail("call site {:#x} (frame {}) is in another function than call site {:#x} in {}: the "
             "executables do not come from one xisa-cc link",
             resume.site->id, k, src.site->id, dst_.path());
      Expected regs = expected_;
      place_values(at, *resume.site, resume.values, spot, regs);
      resumed[r] = registers(regs, sp, at.return_address);
    }
    place_values(site, *src.site, src.values, spot, expected_);
    return sp;
  }

  // Writes the live and known values of `site`, which the source held at
  // `src_site` (the same call site), into frame `spot` and `regs`.
  void place_values(const meta::CallSite &site, const meta::CallSite &src_site,
                    const std::vector<RegValue> &src_values, const FrameSpot &spot,
                    Expected &regs) {
    const meta::FrameRule &rule = site.frame;
    auto [cfa, sp, fp, has_fp] = spot;
    // The live values in the destination's form; pointers into the TLS
    // block move with it.
    std::vector<RegValue> values;
    for (size_t i = 0; i < site.live_values.size(); ++i) {
      const LiveValue &lv = site.live_values[i];
      const LiveValue &src_lv = src_site.live_values[i];
      RegValue value = to_memory_form(src_values[i], src_lv, stack_.isa);
      if (lv.type.value_class == ValueClass::Pointer)
        value.lo = tls_.apply(value.lo);
      values.push_back(to_location_form(value, lv, dst_.isa()));
    }

    // What the destination's code keeps beside the records; the live values
    // below take precedence where both name one place. A condition-register
    // field's known values each give some of its bits.
    std::map<uint16_t, uint64_t> fields;
    for (const meta::KnownValue &known : site.known_values) {
      RegValue value{resolve(site, known, cfa, values), 0};
      if (const std::optional<meta::Comparison> &compare = known.comparison) {
        uint64_t other = compare->offset;
        if (compare->live_value)
          other += live(site, *compare->live_value, values);
        value = {condition_bits_of(value.lo, other, *compare), 0};
      } else if (known.base == meta::KnownValue::Base::Absolute && !known.plus_live_value)
        value.hi = known.high; // what a 16-byte register or slot holds above
      if (known.in_register) {
        check_register(abi_, site, known.dwarf_reg, "a known value", dst_.path());
        if (abi_.condition_field(known.dwarf_reg) >= 0)
          value.lo = fields[known.dwarf_reg] |= value.lo;
        if (abi_.reg_size(known.dwarf_reg) < 16)
          value.hi = 0;
        regs.want(known.dwarf_reg, value);
      } else {
        store(memory_, cfa + known.cfa_offset, value, known.size);
      }
    }

    for (size_t i = 0; i < site.live_values.size(); ++i) {
      const LiveValue &lv = site.live_values[i];
      switch (lv.kind) {
      case LocationKind::Register:
        check_register(abi_, site, lv.dwarf_reg, "a live value", dst_.path());
        regs.want(lv.dwarf_reg, values[i]);
        break;
      case LocationKind::Indirect:
        store(memory_, base(lv, sp, fp, has_fp, site) + lv.offset, values[i], slot_bytes(lv));
        break;
      case LocationKind::Constant:
        break;
      case LocationKind::Direct:
        if (src_site.live_values[i].kind != LocationKind::Direct)
          fail("call site {:#x}: live value {} is a frame address in {} but not in the source",
               site.id, i, dst_.path());
        break;
      }
    }
    if (has_fp)
      regs.want(abi_.fp, {fp, 0});
    regs.want(rule.return_address_reg, {site.return_address, 0});
  }

  uint64_t resolve(const meta::CallSite &site, const meta::KnownValue &known, uint64_t cfa,
                   const std::vector<RegValue> &values) const {
    auto live = [&](uint32_t i) { return this->live(site, i, values); };
    uint64_t base = 0;
    switch (known.base) {
    case meta::KnownValue::Base::Absolute: break;
    case meta::KnownValue::Base::ThreadPointer: base = tp_; break;
    case meta::KnownValue::Base::Cfa: base = cfa; break;
    case meta::KnownValue::Base::LiveValue:
      base = known.negated ? 0 - live(known.live_value) : live(known.live_value);
      break;
    }
    if (known.plus_live_value)
      base += live(*known.plus_live_value);
    uint64_t sum = base + static_cast<uint64_t>(known.offset);
    uint64_t value = known.shift_signed
                         ? static_cast<uint64_t>(static_cast<int64_t>(sum) >> known.shift_right)
                         : sum >> known.shift_right;
    if (known.low == 0)
      return value;
    // Only the low bytes, extended as the destination's code left them.
    return extend_low(value, known.low, known.sign_extended);
  }

  // Live value i of the values of `site`, for a known value derived from it.
  uint64_t live(const meta::CallSite &site, uint32_t i, const std::vector<RegValue> &values) const {
    if (i >= values.size())
      fail("{}: call site {:#x} derives a known value from live value {} of {}", dst_.path(),
           site.id, i, values.size());
    return values[i].lo;
  }

  uint64_t base(const LiveValue &lv, uint64_t sp, uint64_t fp, bool has_fp,
                const meta::CallSite &site) const {
    if (lv.dwarf_reg == abi_.sp)
      return sp;
    if (lv.dwarf_reg == abi_.fp && has_fp)
      return fp;
    fail("{}: call site {:#x} addresses a stack slot from DWARF register {}, neither the stack "
         "nor the frame pointer",
         dst_.path(), site.id, lv.dwarf_reg);
  }

  const SourceStack &stack_;
  images::Memory &memory_;
  const Program &dst_;
  const Abi &abi_;
  const BlockMove &tls_;
  uint64_t tp_;
  std::span<const ResumeSite> resumes_;
  Expected expected_;
};

} // namespace

RebuiltStack rebuild(const SourceStack &stack, images::Memory &memory, const Program &dst,
                     uint64_t tp, const BlockMove &tls, std::span<const ResumeSite> resumes) {
  return Builder(stack, memory, dst, tls, tp, resumes).build();
}

} // namespace xisa::transform
