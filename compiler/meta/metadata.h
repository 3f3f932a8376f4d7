// Migration metadata of one xisa executable, read from its ELF file:
// call-site records (.llvm_stackmaps) at their exact return addresses, the
// frame rules (.eh_frame) valid at each call, the link-time facts
// (.xisa.info, .xisa.nonmig) and the shadow frames (.xisa.frames). Plain
// data; consumers index it themselves.
#pragma once
#include "meta/xisa_info.h"
#include "support/isa.h"
#include "support/value_type.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace xisa::meta {

// Where a live value sits at the return address (the stackmap location kinds).
enum class LocationKind : uint8_t {
  Register, // the value is in DWARF register `dwarf_reg`
  Direct,   // the value is the address dwarf_reg + offset (a frame address)
  Indirect, // the value is in memory at dwarf_reg + offset
  Constant, // the value is `constant` (small and large constants alike)
};

struct LiveValue {
  LocationKind kind = LocationKind::Constant;
  uint16_t size = 0;      // bytes of the location (register or slot) holding it
  uint16_t dwarf_reg = 0; // DWARF register number of this ISA
  int32_t offset = 0;     // Direct, Indirect
  uint64_t constant = 0;  // Constant
  ValueType type;         // the IR type: the same on every ISA
};

// Where a frame keeps the caller's value of a callee-saved register.
struct SavedRegister {
  enum class Rule : uint8_t {
    AtCfaOffset, // in memory at CFA + value
    InRegister,  // in register `value`
  };
  uint16_t dwarf_reg = 0;
  Rule rule = Rule::AtCfaOffset;
  int64_t value = 0;
};

// The .eh_frame row valid at one pc: CFA = cfa_reg + cfa_offset, and where
// each saved register (GPRs, FP/SIMD, the return address) lives.
struct FrameRule {
  uint16_t cfa_reg = 0;
  int64_t cfa_offset = 0;
  uint16_t return_address_reg = 0; // the CIE's return-address column
  std::vector<SavedRegister> saved; // sorted by dwarf_reg
};

// A comparison ppc64 keeps in a non-volatile condition-register field
// (cr2-cr4, DWARF 70-72) across calls: a loop-invariant test such as
// n == (n & ~3) made once before a loop. The field holds LT, GT or EQ (SO
// clear) of the known value's own value compared with the other operand,
// live value `live_value` plus `offset` or, without one, the number
// `offset`; cmpw/cmplw compare the low 4 bytes, andi. and andis. the bits
// `mask` of the value (with zero).
//
// ppc64 also moves single bits between fields (`crmove 8, 2` parks cr0.eq
// in cr2.lt beside the bits of another compare), so a field's bits may come
// from several comparisons, each a known value of the field's register:
// field bit i (0 LT, 1 GT, 2 EQ, 3 SO) holds bit result_bit[i] of this
// comparison's result (same numbering), complemented where `complemented`
// has the field's bit (8 LT ... 1 SO), or kNoBit: another known value of
// the register gives it, a number its bits set, or it is clear.
struct Comparison {
  static constexpr uint8_t kNoBit = 0xff;
  bool is_signed = true;
  uint8_t bytes = 8;
  std::optional<uint32_t> live_value;
  int64_t offset = 0;
  uint64_t mask = ~uint64_t(0);
  std::array<uint8_t, 4> result_bit = {0, 1, 2, 3};
  uint8_t complemented = 0;
};

// A value the code keeps at a return address that no record names, but that
// follows from what the destination knows: a hoisted global or constant-pool
// address, a constant, the thread pointer, a frame address, or a recorded
// live value plus a constant (a copy, or a neighbouring address the code
// generator kept instead), in a callee-saved register or a spill slot;
// any of these may add a second live value (a pointer the code steps
// through an array, base plus index), and a live value may be subtracted
// instead of added (a count down beside a recorded count up); a value
// built from live values may be shifted right after the sum (a trip count
// the code generator derived from a recorded bound and reuses); of a live
// value plus a constant, a place may hold only the low bytes, extended. It
// is read from the destination's own code, so each ISA has its own list.
struct KnownValue {
  enum class Base : uint8_t {
    Absolute,      // the value is `offset`; a 16-byte register or slot holds `high` above it
    ThreadPointer, // the thread pointer plus `offset`
    Cfa,           // the frame's CFA plus `offset`
    LiveValue,     // live value `live_value` of the call site plus `offset`
  };
  bool in_register = true; // else in the slot at CFA + cfa_offset
  uint16_t dwarf_reg = 0;  // in_register
  int32_t cfa_offset = 0;  // !in_register
  uint16_t size = 8;       // bytes of the slot
  Base base = Base::Absolute;
  uint32_t live_value = 0; // Base::LiveValue
  bool negated = false;    // Base::LiveValue: the value is offset minus the live value
  std::optional<uint32_t> plus_live_value = {}; // a 64-bit live value added to the base
  int64_t offset = 0;
  // Base::LiveValue: the sum (base, plus_live_value, offset) is then
  // shifted right by this many bits, arithmetically if `shift_signed`.
  uint8_t shift_right = 0;
  bool shift_signed = false;
  // Base::LiveValue, nonzero: the place holds only the low `low` bytes of
  // the result, sign-extended if `sign_extended`, else zero-extended (a
  // 32-bit value the code keeps beside the extended copy a record names).
  uint8_t low = 0;
  bool sign_extended = false;
  uint64_t high = 0; // Base::Absolute: the upper 8 of 16 bytes (`offset` again for a splat)
  // Set for a condition-register field: it holds the value above compared
  // with this comparison's operand.
  std::optional<Comparison> comparison = {};
};

struct Function {
  std::string name;
  uint64_t address = 0;
  uint64_t size = 0;       // from the symbol table (0 if unknown)
  uint64_t stack_size = 0; // native frame size from the stackmap function record
};

// One call that may lead to a migration point. The frame of `function` is
// parked at `return_address` when its callee is running.
struct CallSite {
  uint64_t id = 0;             // identical on every ISA for the same call
  uint64_t return_address = 0; // address after the call instruction
  uint64_t record_address = 0; // the stackmap point (>= return_address)
  uint32_t function = 0;       // index into Metadata::functions
  std::vector<LiveValue> live_values; // ISA-independent order
  std::vector<KnownValue> known_values; // this ISA's own, by register then slot
  FrameRule frame;                      // valid at the call instruction
};

struct Metadata {
  std::string path;
  Isa isa = Isa::X86_64;
  std::vector<Function> functions;   // functions with call sites, by address
  std::vector<CallSite> call_sites;  // by return address
  std::optional<Info> info;          // .xisa.info, if the link step wrote one
  std::vector<NonMigratable> nonmig; // .xisa.nonmig records
  std::vector<FrameLayout> frames;   // .xisa.frames records, in link order
  // Why each call site whose code after the return address reads a place
  // that nothing describes is unsafe to migrate at (known_values.h); `xisa
  // meta check --strict` fails on them.
  std::vector<std::string> undescribed;

  const CallSite *find_return_address(uint64_t address) const;
  const CallSite *find_id(uint64_t id) const;
};

// The call sites of each function (by index into meta.functions).
inline std::vector<std::vector<CallSite *>> sites_by_function(Metadata &meta) {
  std::vector<std::vector<CallSite *>> sites(meta.functions.size());
  for (CallSite &site : meta.call_sites)
    sites.at(site.function).push_back(&site);
  return sites;
}

// Reads an executable (ET_EXEC or ET_DYN) of one of the three ISAs. Throws
// xisa::Error naming the file and the defect.
Metadata read(const std::string &path);

// Follows one function's values through the executable's code
// (known_values.h, trace_values): moves its call sites' live values to
// their return addresses and sets their known values. It keeps the
// executable open.
class Tracer {
public:
  ~Tracer();
  // Throws xisa::Error naming the file, as read() does. Returns why call
  // sites are unsafe to migrate at (trace_values, Metadata::undescribed).
  std::vector<std::string> trace(const Function &function,
                                 std::span<CallSite *const> sites) const;

private:
  friend struct Untraced;
  struct Code;
  explicit Tracer(std::unique_ptr<Code> code);
  std::unique_ptr<Code> code_;
};

// The metadata as read() gives it, but with no function traced: each call
// site's live values are where its record puts them (at the stackmap
// point) and it has no known values until `tracer` traces its function.
// For a consumer that needs few functions: the transformer needs those on
// the stacks it moves, and tracing every function of a large program (Lua)
// takes seconds.
struct Untraced {
  Metadata meta;
  std::unique_ptr<Tracer> tracer;

  static Untraced read(const std::string &path);
};

} // namespace xisa::meta
