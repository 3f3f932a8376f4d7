#include "synthetic_stack.h"

#include "transform/abi.h"

#include <sys/mman.h>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

namespace xisa::test {

using meta::CallSite;
using meta::LiveValue;
using meta::LocationKind;
using meta::SavedRegister;
using transform::kNoReg;
using transform::RegFile;

namespace {

// Where one ISA's synthetic frames keep things, relative to the CFA or the
// frame pointer.
struct Shape {
  Isa isa;
  uint16_t fp, sp, ra;
  int64_t fp_save, ra_save; // from the CFA
  uint16_t gpr;             // callee-saved GPR holding v0 in even functions
  int64_t gpr_save;
  uint16_t fpr; // callee-saved FP register holding v2 in even functions, or kNoReg
  int64_t fpr_save;
  int64_t slot[4];    // stack slots for v0, v1, v2, v4, from the frame pointer
  uint64_t base_size; // stack size of function 0; function j adds 16 * j
};

const Shape kShapes[] = {
    {Isa::X86_64, 6, 7, 16, -16, -8, 3, -24, kNoReg, 0, {-16, -24, -32, -40}, 72},
    {Isa::AArch64, 29, 31, 30, -16, -8, 19, -24, 72, -32, {-32, -40, -48, -56}, 96},
    {Isa::PPC64LE, 31, 1, 65, -8, 16, 30, -16, 63, -24, {32, 40, 48, 56}, 112},
};

const Shape &shape(Isa isa) { return kShapes[static_cast<int>(isa)]; }

uint64_t stack_size(const Shape &s, unsigned fn) { return s.base_size + 16 * fn; }
bool uses_saved_regs(unsigned fn) { return fn % 2 == 0; }
bool v0_in_reg(unsigned fn) { return uses_saved_regs(fn); }
bool v2_in_reg(const Shape &s, unsigned fn) { return uses_saved_regs(fn) && s.fpr != kNoReg; }
uint64_t frame_bytes(const Shape &s, unsigned fn) {
  return stack_size(s, fn) + transform::abi(s.isa).call_push;
}
// ppc64's frame pointer is the stack pointer; the others point it 16 below the CFA.
uint64_t fp_of(const Shape &s, unsigned fn, uint64_t cfa) {
  return s.isa == Isa::PPC64LE ? cfa - stack_size(s, fn) : cfa - 16;
}

uint64_t function_address(unsigned fn) { return kExeStart + 0x1000 + 0x200 * fn; }
// Return addresses differ per ISA, as real code's do.
uint64_t call_return(Isa isa, unsigned fn) {
  return function_address(fn) + 0x40 + 4 * static_cast<int>(isa);
}
uint64_t mig_return(Isa isa, unsigned fn) {
  return function_address(fn) + 0x80 + 8 * static_cast<int>(isa);
}
uint64_t base_return(Isa isa) { return kExeStart + 0x800 + 0x10 * static_cast<int>(isa); }

uint64_t tp_of_self(Isa isa, uint64_t shift) {
  uint64_t self = kTlsSelf + shift;
  return isa == Isa::X86_64 ? self : isa == Isa::AArch64 ? self + 200 : self + 200 + 0x7000;
}
int32_t tp_offset(Isa isa) {
  return isa == Isa::X86_64 ? -int32_t(kTlsSize) : isa == Isa::AArch64 ? 16 : -0x7000;
}

CallSite make_site(const Shape &s, unsigned fn, bool mig) {
  CallSite site;
  site.id = 1000 + 2 * fn + (mig ? 1 : 0);
  site.return_address = mig ? mig_return(s.isa, fn) : call_return(s.isa, fn);
  site.record_address = site.return_address;
  site.function = fn;
  bool ppc = s.isa == Isa::PPC64LE;
  site.frame.cfa_reg = s.fp;
  site.frame.cfa_offset = ppc ? int64_t(stack_size(s, fn)) : 16;
  site.frame.return_address_reg = s.ra;
  std::vector<SavedRegister> saved = {{s.fp, SavedRegister::Rule::AtCfaOffset, s.fp_save},
                                      {s.ra, SavedRegister::Rule::AtCfaOffset, s.ra_save}};
  if (uses_saved_regs(fn)) {
    saved.push_back({s.gpr, SavedRegister::Rule::AtCfaOffset, s.gpr_save});
    if (s.fpr != kNoReg)
      saved.push_back({s.fpr, SavedRegister::Rule::AtCfaOffset, s.fpr_save});
  }
  std::sort(saved.begin(), saved.end(),
            [](const auto &a, const auto &b) { return a.dwarf_reg < b.dwarf_reg; });
  site.frame.saved = saved;
  // v0 an i64, v1 a pointer, v2 a double, a constant, v3 an i32.
  const ValueType i64{ValueClass::Integer, 64}, p64{ValueClass::Pointer, 64},
      f64{ValueClass::Float, 64}, i32{ValueClass::Integer, 32};
  auto slot = [&](int i, uint16_t size, ValueType type) {
    return LiveValue{LocationKind::Indirect, size, s.fp, int32_t(s.slot[i]), 0, type};
  };
  auto reg = [](uint16_t r, ValueType type) {
    return LiveValue{LocationKind::Register, 8, r, 0, 0, type};
  };
  // x86 records a spilled double with its xmm class's 16 bytes, which here
  // reach over v1's slot, as clang's frames do: only 8 of them are v2's.
  uint16_t f64_slot = s.isa == Isa::X86_64 ? 16 : 8;
  site.live_values = {v0_in_reg(fn) ? reg(s.gpr, i64) : slot(0, 8, i64), slot(1, 8, p64),
                      v2_in_reg(s, fn) ? reg(s.fpr, f64) : slot(2, f64_slot, f64),
                      LiveValue{LocationKind::Constant, 8, 0, 0, 7, i64}, slot(3, 4, i32)};
  return site;
}

unsigned function_of_frame(size_t k) { return k % kFunctions; }

} // namespace

FrameValues values_for_frame(size_t k) {
  return {0x1000 + k, 0x2000 + k, std::bit_cast<uint64_t>(double(k) + 0.5), 0x30000 + k};
}

transform::Program make_program(Isa isa, std::array<uint8_t, 16> build_id) {
  const Shape &s = shape(isa);
  meta::Metadata m;
  m.path = "/synthetic/prog." + std::string(name(isa));
  m.isa = isa;
  for (unsigned fn = 0; fn < kFunctions; ++fn) {
    m.functions.push_back({"f" + std::to_string(fn), function_address(fn), 0x200,
                           stack_size(s, fn)});
    m.call_sites.push_back(make_site(s, fn, false));
    m.call_sites.push_back(make_site(s, fn, true));
  }
  meta::Info info;
  info.isa = static_cast<uint32_t>(isa);
  info.build_id = build_id;
  info.tls_mem_size = info.tls_file_size = kTlsSize;
  info.tls_align = 8;
  info.tp_offset = tp_offset(isa);
  m.info = info;
  return transform::Program(std::move(m), elf_facts(isa));
}

transform::ElfFacts elf_facts(Isa isa) {
  std::vector<transform::LoadSegment> loads = {{kExeStart, 0x2000, 0, 0x2000, 5},
                                               {kExeStart + 0x2000, 0x1000, 0x2000, 0x1000, 3}};
  return {loads,
          {{"__xisa_base_ret_main", base_return(isa)}},
          isa == Isa::PPC64LE ? 0x10008000 : 0u,
          0x3000,
          {},
          kJmpBufTable};
}

images::Memory make_memory(unsigned threads) {
  images::Memory memory;
  // Source code pages of the executable, which a destination must not get.
  memory.append(kExeStart, std::vector<uint8_t>(2 * images::kPageSize, 0xcc));
  for (unsigned t = 0; t < threads; ++t)
    memory.append(kTlsArea + t * kThreadShift, std::vector<uint8_t>(2 * images::kPageSize));
  for (unsigned t = 0; t < threads; ++t)
    memory.append(kStackTop - kStackBytes + t * kThreadShift, std::vector<uint8_t>(kStackBytes));
  return memory;
}

static void write_tls(Isa isa, images::Memory &memory, uint64_t shift) {
  uint64_t tp = tp_of_self(isa, shift);
  uint64_t self = kTlsSelf + shift, dtv = kDtv + shift;
  uint64_t tls = tp + tp_offset(isa);
  for (uint64_t i = 0; i < kTlsSize; i += 8)
    memory.store64(tls + i, 0x7700 + i);
  bool x86 = isa == Isa::X86_64;
  uint64_t part2 = x86 ? 48 : 32;
  memory.store64(self, self);
  memory.store64(self + (x86 ? 8 : 192), dtv);
  memory.store64(self + (x86 ? 40 : 184), 0xcafe); // canary
  memory.store64(self + part2, 4242);             // tid
  memory.store64(self + part2 + 88, self + part2 + 88);
  memory.store64(dtv, 1);
  memory.store64(dtv + 8, tls + (isa == Isa::PPC64LE ? 0x8000 : 0));
}

RegFile write_stack(Isa isa, size_t depth, images::Memory &memory, uint64_t shift) {
  const Shape &s = shape(isa);
  write_tls(isa, memory, shift);
  RegFile regs;
  regs.tp = tp_of_self(isa, shift);
  if (isa == Isa::PPC64LE)
    regs.set(13, regs.tp);
  // Frames from the outermost in: each saves what its caller keeps in
  // registers, then puts its own values where the shape says.
  // The runtime's base frame is the outermost frame's CFA on every ISA;
  // x86_64 and aarch64 link to it by the saved frame pointer, ppc64 by the
  // back chain alone (r31 holds whatever __xisa_start_main's caller left).
  uint64_t cfa = kBaseFp + shift;
  uint64_t ra = base_return(isa);
  uint64_t caller_fp = isa == Isa::PPC64LE ? kPpcBaseR31 : kBaseFp + shift;
  for (size_t k = depth; k-- > 0;) {
    unsigned fn = function_of_frame(k);
    uint64_t sp = cfa - frame_bytes(s, fn), fp = fp_of(s, fn, cfa);
    FrameValues v = values_for_frame(k);
    memory.store64(cfa + s.ra_save, ra);
    memory.store64(cfa + s.fp_save, caller_fp);
    if (uses_saved_regs(fn)) {
      memory.store64(cfa + s.gpr_save, regs.get(s.gpr));
      if (s.fpr != kNoReg)
        memory.store64(cfa + s.fpr_save, regs.get(s.fpr));
    }
    if (isa == Isa::PPC64LE)
      memory.store64(sp, cfa);
    if (v0_in_reg(fn))
      regs.set(s.gpr, v.v0);
    else
      memory.store64(fp + s.slot[0], v.v0);
    memory.store64(fp + s.slot[1], v.v1);
    if (v2_in_reg(s, fn))
      regs.set(s.fpr, v.v2);
    else
      memory.store64(fp + s.slot[2], v.v2);
    uint32_t v4 = uint32_t(v.v4);
    memory.write(fp + s.slot[3], {reinterpret_cast<const uint8_t *>(&v4), 4});
    ra = k == 0 ? mig_return(isa, fn) : call_return(isa, fn);
    caller_fp = fp;
    cfa = sp;
  }
  regs.set(s.sp, cfa);
  regs.set(s.fp, caller_fp);
  regs.pc = ra;
  return regs;
}

images::ImageSet make_parked_set(Isa isa, size_t depth, unsigned threads) {
  images::ImageSet set;
  images::Process p;
  p.pstree = {100, 1, 100, 100, {}};
  p.memory = make_memory(threads);
  for (unsigned t = 0; t < threads; ++t) {
    transform::RegFile regs = write_stack(isa, depth, p.memory, t * kThreadShift);
    p.pstree.threads.push_back(100 + t);
    p.threads.push_back({100 + t, transform::thread_info(isa, regs), 0, "prog"});
  }
  p.mm.exe_file_id = kExeFileId;
  p.mm.mm_saved_auxv = {16, 0xfff, 0, 0};
  p.mm.vmas = {
      {kExeStart, kExeStart + 0x2000, 0, kExeFileId, PROT_READ | PROT_EXEC,
       MAP_PRIVATE, kVmaRegular | kVmaFilePrivate, -1, {}, {}},
  };
  for (unsigned t = 0; t < threads; ++t) {
    uint64_t shift = t * kThreadShift;
    p.mm.vmas.push_back({kTlsArea + shift, kTlsArea + shift + 0x2000, 0, 0, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, kVmaRegular | kVmaAnonPrivate, -1, {}, {}});
    p.mm.vmas.push_back({kStackTop - kStackBytes + shift, kStackTop + shift, 0, 0,
                         PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                         kVmaRegular | kVmaAnonPrivate, -1, {}, {}});
  }
  std::sort(p.mm.vmas.begin(), p.mm.vmas.end(),
            [](const images::Vma &a, const images::Vma &b) { return a.start < b.start; });
  set.files.regular.push_back(
      {kExeFileId, 0, 0, "/synthetic/prog." + std::string(name(isa)), 0, 0, {}, {}, {}, {}});
  set.processes.push_back(std::move(p));
  return set;
}

// A frame of the synthetic layout that is not as write_stack would leave it.
static void require(uint64_t got, uint64_t want, const std::string &what) {
  if (got != want)
    throw std::runtime_error(fmt::format("{}: {:#x}, expected {:#x}", what, got, want));
}

std::vector<FrameValues> read_stack(Isa isa, size_t depth, const RegFile &regs,
                                    const images::Memory &memory, uint64_t shift) {
  const Shape &s = shape(isa);
  require(regs.pc, mig_return(isa, function_of_frame(0)), "pc");
  require(regs.tp, tp_of_self(isa, shift), "thread pointer");
  std::vector<FrameValues> out;
  uint64_t cfa = regs.get(s.sp);
  // Where the register values of frame k are: the save slot of the nearest
  // inner frame that saved them, else the register file.
  std::vector<uint64_t> cfas;
  for (size_t k = 0; k < depth; ++k) {
    unsigned fn = function_of_frame(k);
    cfa += frame_bytes(s, fn);
    cfas.push_back(cfa);
  }
  auto reg_seen_by = [&](size_t k, uint16_t reg, int64_t save) {
    for (size_t i = k; i-- > 0;)
      if (uses_saved_regs(function_of_frame(i)))
        return memory.load64(cfas[i] + save);
    return regs.get(reg);
  };
  for (size_t k = 0; k < depth; ++k) {
    unsigned fn = function_of_frame(k);
    uint64_t fp = fp_of(s, fn, cfas[k]);
    uint64_t expected_fp = k == 0 ? regs.get(s.fp) : memory.load64(cfas[k - 1] + s.fp_save);
    require(fp, expected_fp, "frame pointer of frame " + std::to_string(k));
    uint64_t ra = memory.load64(cfas[k] + s.ra_save);
    require(ra, k + 1 == depth ? base_return(isa) : call_return(isa, function_of_frame(k + 1)),
            "return address of frame " + std::to_string(k));
    if (isa == Isa::PPC64LE)
      require(memory.load64(cfas[k] - frame_bytes(s, fn)), cfas[k],
              "back chain of frame " + std::to_string(k));
    FrameValues v;
    v.v0 = v0_in_reg(fn) ? reg_seen_by(k, s.gpr, s.gpr_save) : memory.load64(fp + s.slot[0]);
    v.v1 = memory.load64(fp + s.slot[1]);
    v.v2 = v2_in_reg(s, fn) ? reg_seen_by(k, s.fpr, s.fpr_save) : memory.load64(fp + s.slot[2]);
    uint32_t v4;
    memory.read(fp + s.slot[3], {reinterpret_cast<uint8_t *>(&v4), 4});
    v.v4 = v4;
    out.push_back(v);
  }
  if (isa == Isa::PPC64LE)
    require(cfas.back(), kBaseFp + shift, "base frame (the outermost back chain)");
  else
    require(memory.load64(cfas.back() + s.fp_save), kBaseFp + shift, "base frame pointer");
  return out;
}


} // namespace xisa::test
