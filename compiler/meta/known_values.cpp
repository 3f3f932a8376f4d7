#include "meta/known_values.h"
#include "meta/disassembler.h"
#include "meta/flat_map.h"
#include "meta/jump_tables.h"
#include "meta/liveness.h"

#include "support/callee_saved.h"
#include "support/extend.h"
#include "support/error.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrDesc.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <iterator>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <vector>

using namespace llvm;

namespace xisa::meta {

namespace {

// What a register or slot holds: a number, an offset from the thread
// pointer or the CFA, or from a symbol: the unknown result of one
// instruction's latest execution (or a register's value at entry), which
// relates the places that hold it; plus, optionally, a second symbol (the
// sum of two values, like a base pointer plus a loop index). A symbol may
// be subtracted instead (kNegated): a count down beside a count up. A
// narrow write (a 32-bit register, a 4-byte slot) keeps only the low bytes
// of anything but a number, zero-extended. An extension (extsw, sxtw,
// movslq) or a 32-bit operation gives a symbol of its own, whose low bytes
// the state notes, so a 32-bit value relates to its extended copy. A sum
// of symbols may be shifted right (a trip count derived from a loop bound);
// such a value takes part in no further arithmetic.
enum class Kind : uint8_t { Absolute, ThreadPointer, Cfa, Symbol };

// What the bytes above a narrow value's low bytes hold.
enum class Extension : uint8_t { Zero, Sign, Unknown };

// (The one-byte members last: a state holds a hundred-odd Values and is
// copied and compared at each instruction the dataflow visits.)
struct Value {
  int64_t offset = 0;
  uint64_t symbol = 0; // Kind::Symbol
  // A 16-byte vector number's upper half (a constant-pool vector); without
  // it a number in a 16-byte place stands for both halves (a splat).
  std::optional<uint64_t> high;
  uint64_t addend = 0; // the second symbol, 0 if none; never with Kind::Absolute
  // In a ppc64 condition-register field the dataflow knows, what each of
  // its bits (LT, GT, EQ, SO) holds (kBit* below; the Value is then
  // otherwise 0): ppc64 moves single bits between fields (`crmove 8, 2`
  // parks cr0.eq in cr2.lt beside the bits of another compare).
  std::array<uint32_t, 4> bits = {};
  Kind base = Kind::Absolute;
  // Nonzero: only the low `low` bytes are base + offset; those above hold
  // `extension` (a narrow write zero-extends, extsw/sxtw/movslq
  // sign-extend, a 64-bit add to a narrow value leaves them unknown).
  uint8_t low = 0;
  Extension extension = Extension::Zero;
  // Nonzero: the value is (base + offset + addend) >> shift, arithmetic if
  // `shift_signed` (then before `low`).
  uint8_t shift = 0;
  bool shift_signed = false;
  auto operator<=>(const Value &) const = default;
};
static_assert(sizeof(Value) == 64);

// A condition-register bit as a Value holds it: unknown, a constant, or
// bit `bit` (0 LT ... 3 SO) of comparison `id` (Interpreter's list, from 1),
// each possibly complemented (kBitInverted).
constexpr uint32_t kBitUnknown = 0, kBitInverted = 1, kBitZero = 2, kBitOne = 3;
constexpr uint32_t comparisonBit(uint32_t id, unsigned bit) { return id << 3 | bit << 1; }
constexpr uint32_t comparisonOfBit(uint32_t b) { return b >> 3; }
constexpr unsigned resultBitOf(uint32_t b) { return (b >> 1) & 3; }
constexpr uint32_t complement(uint32_t b) { return b == kBitUnknown ? b : b ^ kBitInverted; }

bool isField(const Value &v) {
  static_assert(kBitUnknown == 0);
  return (v.bits[0] | v.bits[1] | v.bits[2] | v.bits[3]) != 0;
}

// The bits two paths into a join agree on; nullopt if none.
std::optional<Value> meetFields(Value a, const Value &b) {
  for (size_t i = 0; i < a.bits.size(); ++i)
    if (a.bits[i] != b.bits[i])
      a.bits[i] = kBitUnknown;
  return isField(a) ? std::optional(a) : std::nullopt;
}

// The logic of ppc64's condition-register instructions on two known bits.
// `same` says both operands are one register bit, equal even if unknown.
uint32_t andBits(uint32_t a, uint32_t b, bool same) {
  if (same || a == b || b == kBitOne)
    return a;
  if (a == kBitZero || b == kBitZero || (a != kBitUnknown && a == complement(b)))
    return kBitZero;
  return a == kBitOne ? b : kBitUnknown;
}
uint32_t orBits(uint32_t a, uint32_t b, bool same) {
  return complement(andBits(complement(a), complement(b), same));
}
uint32_t xorBits(uint32_t a, uint32_t b, bool same) {
  if (same || (a != kBitUnknown && a == b))
    return kBitZero;
  if (a == kBitZero || a == kBitOne)
    return a == kBitOne ? complement(b) : b;
  if (b == kBitZero || b == kBitOne)
    return b == kBitOne ? complement(a) : a;
  return a != kBitUnknown && a == complement(b) ? kBitOne : kBitUnknown;
}

// Symbols of the instruction at index i: one per register it writes; those
// above kEntrySymbols are the registers' values at the function's entry,
// those above kJoinSymbols the values a join point relates (relate()):
// per join point, one per group of places, named after the group's first
// place, and the same names marked old while the join is recomputed.
constexpr uint64_t kSymbolsPerInstr = 256;
constexpr uint64_t kEntrySymbols = uint64_t(1) << 62;
constexpr uint64_t kJoinSymbols = uint64_t(1) << 61;
constexpr uint64_t kOldJoinSymbol = uint64_t(1) << 60;
constexpr unsigned kPlaceBits = 24; // registers, then frame slots by CFA offset
// Marks a symbol (or term) the value subtracts rather than adds.
constexpr uint64_t kNegated = uint64_t(1) << 63;

// Symbols for what a register or a slot held at a call's return address
// where the dataflow does not know it, while the code up to the stackmap
// point is replayed: the register's number, or the slot's CFA offset and the
// bytes read. They lie between the instructions' and the joins' symbols.
constexpr uint64_t kReturnRegSymbols = uint64_t(1) << 59;
constexpr uint64_t kReturnSlotSymbols = kReturnRegSymbols + (uint64_t(1) << 48);
constexpr uint64_t kReturnSymbolsEnd = kReturnSlotSymbols + (uint64_t(1) << 48);

struct ReturnSlot {
  int64_t cfa_offset;
  unsigned bytes;
};

uint64_t returnSlotSymbol(int64_t cfaOffset, unsigned bytes) {
  return kReturnSlotSymbols + (uint64_t(cfaOffset + (int64_t(1) << 31)) << 5) + bytes;
}

uint64_t symbolOf(size_t instr, int reg) { return (instr + 1) * kSymbolsPerInstr + unsigned(reg); }
bool isInstrSymbolOf(uint64_t symbol, size_t instr) {
  symbol &= ~kNegated;
  return symbol && symbol < kJoinSymbols && symbol / kSymbolsPerInstr == instr + 1;
}
uint64_t joinSymbol(size_t join, uint64_t place) {
  return kJoinSymbols + (uint64_t(join) << kPlaceBits) + place;
}
bool isJoinSymbolOf(uint64_t symbol, size_t join, bool old = false) {
  symbol &= ~kNegated;
  if (symbol < kJoinSymbols || symbol >= kEntrySymbols || bool(symbol & kOldJoinSymbol) != old)
    return false;
  return ((symbol & ~kOldJoinSymbol) - kJoinSymbols) >> kPlaceBits == join;
}
// The place a symbol of a join is named after.
uint64_t placeOf(uint64_t joinSymbol) {
  return joinSymbol & ((uint64_t(1) << kPlaceBits) - 1);
}

// The symbols a value mentions, 0 for none.
uint64_t firstSymbol(const Value &v) { return v.base == Kind::Symbol ? v.symbol : 0; }
bool isSymbolOf(const Value &v, size_t instr) {
  return isInstrSymbolOf(firstSymbol(v), instr) || isInstrSymbolOf(v.addend, instr);
}
// The (new) symbol of join point `join` the value mentions, or 0.
uint64_t joinSymbolIn(const Value &v, size_t join) {
  if (isJoinSymbolOf(firstSymbol(v), join))
    return firstSymbol(v);
  return isJoinSymbolOf(v.addend, join) ? v.addend : 0;
}
// Whether `symbol` is one of join point `join`, old or not.
bool isAnyJoinSymbolOf(uint64_t symbol, size_t join) {
  symbol &= ~(kNegated | kOldJoinSymbol);
  return symbol >= kJoinSymbols && symbol < kEntrySymbols &&
         (symbol - kJoinSymbols) >> kPlaceBits == join;
}
bool holdsJoinSymbol(const Value &v, size_t join) {
  return isAnyJoinSymbolOf(firstSymbol(v), join) || isAnyJoinSymbolOf(v.addend, join);
}

// One form for equal values: a lone symbol is the base, two are in order.
Value canonical(Value v) {
  if (v.addend && v.base == Kind::Absolute) {
    v.base = Kind::Symbol;
    v.high.reset();
    v.symbol = std::exchange(v.addend, 0);
  }
  if (v.addend && v.base == Kind::Symbol && v.addend < v.symbol)
    std::swap(v.symbol, v.addend);
  return v;
}

int64_t wrappingDifference(int64_t a, int64_t b) { return int64_t(uint64_t(a) - uint64_t(b)); }

// The parts of a value besides its offset, in order: the CFA, the thread
// pointer, symbols. (A value has at most two, a sum of two values four:
// kept inline, they cost no allocation.)
using Terms = llvm::SmallVector<uint64_t, 4>;
constexpr uint64_t kCfaTerm = 1, kThreadPointerTerm = 2; // below every symbol

Terms termsOf(const Value &v) {
  Terms terms;
  switch (v.base) {
  case Kind::Absolute: break;
  case Kind::ThreadPointer: terms.push_back(kThreadPointerTerm); break;
  case Kind::Cfa: terms.push_back(kCfaTerm); break;
  case Kind::Symbol: terms.push_back(v.symbol); break;
  }
  if (v.addend)
    terms.push_back(v.addend);
  std::sort(terms.begin(), terms.end());
  return terms;
}

// The terms with each one's sign flipped, in order.
Terms negated(Terms terms) {
  for (uint64_t &term : terms)
    term ^= kNegated;
  std::sort(terms.begin(), terms.end());
  return terms;
}

// `whole` minus the terms of `part`; nullopt unless `whole` has them all.
std::optional<Terms> minus(Terms whole, const Terms &part) {
  for (uint64_t term : part) {
    auto it = llvm::find(whole, term);
    if (it == whole.end())
      return std::nullopt;
    whole.erase(it);
  }
  return whole;
}

// The most terms a value holds: a base and a second symbol.
constexpr size_t kMaxTerms = 2;

// The value of sorted `terms` plus offset; nullopt if a Value cannot hold
// them (more than kMaxTerms, both the CFA and the thread pointer, or either
// of them subtracted).
std::optional<Value> valueOf(const Terms &terms, int64_t offset) {
  if (terms.size() > kMaxTerms || (terms.size() == 2 && terms[1] <= kThreadPointerTerm) ||
      llvm::any_of(terms, [](uint64_t term) {
        return (term & kNegated) && (term & ~kNegated) <= kThreadPointerTerm;
      }))
    return std::nullopt;
  Value value;
  value.offset = offset;
  if (!terms.empty()) {
    uint64_t term = terms.front();
    value.base = term == kCfaTerm             ? Kind::Cfa
                 : term == kThreadPointerTerm ? Kind::ThreadPointer
                                              : Kind::Symbol;
    if (value.base == Kind::Symbol)
      value.symbol = term;
  }
  if (terms.size() == 2)
    value.addend = terms[1];
  return canonical(value);
}

using Maybe = std::optional<Value>;

struct Slot {
  Value value;
  uint16_t size = 0;
  bool operator==(const Slot &) const = default;
};

// What the registers and the frame's slots hold before one instruction on
// every path seen so far. Anything not in the maps is unknown.
struct State {
  bool reached = false;
  FlatMap<int, Value> regs;
  FlatMap<int64_t, Slot> slots; // by CFA offset
  // What the low bytes of an instruction's symbol are, where the dataflow
  // knows: the result of an extension or a 32-bit operation (extsw 25, 29;
  // leal -0x30(%r12), %r13d) relates to its source's low bytes.
  FlatMap<uint64_t, Value> low_bytes;
  bool operator==(const State &) const = default;

  // The place a join symbol may be named after.
  static uint64_t placeOfReg(int reg) { return uint64_t(reg); }
  static uint64_t placeOfSlot(int64_t offset) {
    return kSymbolsPerInstr + (uint64_t(offset) & ((uint64_t(1) << (kPlaceBits - 1)) - 1));
  }

  template <class F> void forEachValue(F f) {
    for (auto &[reg, value] : regs)
      f(value);
    for (auto &[offset, slot] : slots)
      f(slot.value);
  }

  // Marks the symbols of join point `join` in `v` old: it flows into it.
  // (Every value is canonical already: only one with such a symbol changes.)
  static void age(Value &v, size_t join) {
    bool changed = false;
    for (uint64_t *s : {&v.symbol, &v.addend})
      if (isJoinSymbolOf(*s, join)) {
        *s |= kOldJoinSymbol;
        changed = true;
      }
    if (changed)
      v = canonical(v);
  }
  static Value aged(Value v, size_t join) {
    age(v, join);
    return v;
  }
  void age(size_t join) {
    forEachValue([&](Value &v) { age(v, join); });
  }

  // Whether a place or a low-bytes note holds a symbol of join point `join`.
  bool mentionsJoin(size_t join) const {
    auto holds = [&](const Value &v) { return holdsJoinSymbol(v, join); };
    return llvm::any_of(regs, [&](const auto &entry) { return holds(entry.second); }) ||
           llvm::any_of(slots, [&](const auto &entry) { return holds(entry.second.value); }) ||
           llvm::any_of(low_bytes, [&](const auto &entry) { return holds(entry.second); });
  }

  // Forgets the places whose values differ from `before`'s (widening: a
  // state that only loses places settles).
  void keepAgreeing(const State &before) {
    forgetDiffering(regs, before.regs);
    forgetDiffering(slots, before.slots);
    forgetDiffering(low_bytes, before.low_bytes);
  }
  template <class Map> static void forgetDiffering(Map &places, const Map &before) {
    places.erase_if([&](const auto &entry) {
      auto it = before.find(entry.first);
      return it == before.end() || !(it->second == entry.second);
    });
  }

  // Keeps what this state and `other` (which flow into join point `join`,
  // this one aged; `other` is aged here) agree on, and how the places that
  // differ relate (relate()). The places that relate hold a full 64-bit
  // value: the registers `relatable` names and the 8-byte slots; others,
  // values of which only the low bytes are known and shifted values are
  // kept only where equal. `other` must not be this state.
  template <class Relatable> void meet(const State &other, size_t join, Relatable relatable) {
    auto same = [&](const Value &value, const Value &incoming) {
      return value == incoming && !holdsJoinSymbol(value, join);
    };
    auto opaqueUnlike = [&](const Value &value, const Value &incoming) {
      return (value.low || incoming.low || value.shift || incoming.shift) &&
             !same(value, incoming);
    };
    // First what is kept (fields keep the bits both agree on), then, with
    // the places settled, those that differ relate.
    AscendingLookup theirRegs(other.regs);
    regs.keep_if([&](std::pair<int, Value> &entry) {
      const Value *found = theirRegs.find(entry.first);
      if (!found)
        return false;
      Value incoming = aged(*found, join);
      if (isField(entry.second) && isField(incoming)) {
        std::optional<Value> agreed = meetFields(entry.second, incoming);
        if (agreed)
          entry.second = *agreed;
        return agreed.has_value();
      }
      return (incoming == entry.second || relatable(entry.first)) &&
             !opaqueUnlike(entry.second, incoming);
    });
    AscendingLookup theirSlots(other.slots);
    slots.keep_if([&](std::pair<int64_t, Slot> &entry) {
      const Slot *found = theirSlots.find(entry.first);
      if (!found)
        return false;
      Slot incoming{aged(found->value, join), found->size};
      return (incoming == entry.second || (entry.second.size == 8 && incoming.size == 8)) &&
             !opaqueUnlike(entry.second.value, incoming.value);
    });
    low_bytes.erase_if([&](const auto &entry) {
      auto other_it = other.low_bytes.find(entry.first);
      return other_it == other.low_bytes.end() || !same(entry.second, other_it->second);
    });
    std::vector<std::pair<uint64_t, Value *>> mine; // by place
    std::vector<Value> theirs;
    auto considered = [&](uint64_t place, Value &value, const Value &incoming) {
      if (same(value, incoming))
        return;
      mine.push_back({place, &value});
      theirs.push_back(incoming);
    };
    AscendingLookup keptRegs(other.regs);
    for (auto &[reg, value] : regs) {
      Value incoming = aged(*keptRegs.find(reg), join);
      if (!isField(value) || !isField(incoming))
        considered(placeOfReg(reg), value, incoming);
    }
    AscendingLookup keptSlots(other.slots);
    for (auto &[offset, slot] : slots)
      considered(placeOfSlot(offset), slot.value, aged(keptSlots.find(offset)->value, join));
    relate(mine, theirs, join);
  }

private:
  // The places that differ at a join, and those that hold a symbol of it,
  // relate through the join's symbols:
  // - a place that holds a (new) symbol of the join keeps it if the value
  //   coming in has its form with the symbol standing for one value, the
  //   same for every place that keeps the symbol (a loop's counters and the
  //   pointers that step with them);
  // - places that differ alike (the same terms and offset distance apart
  //   on both sides, beside terms they keep) hold what they keep plus a
  //   symbol: copies of a counter, a pointer stepped with its index; those
  //   that differ by the negation subtract it (a count down beside a count
  //   up).
  // Every old symbol is replaced: it stands for the value at the previous
  // arrival at the join. A symbol is named after its group's first place.
  static void relate(const std::vector<std::pair<uint64_t, Value *>> &mine,
                     const std::vector<Value> &theirs, size_t join) {
    std::vector<bool> kept(mine.size(), false);
    // The symbol of the join each place holds (or 0), and what it stands
    // for on the other side, seen from that place (which adds or subtracts
    // it): worked out once per place, as each place holding a symbol is
    // compared with all others that hold it.
    std::vector<uint64_t> named(mine.size());
    for (size_t k = 0; k < mine.size(); ++k)
      named[k] = joinSymbolIn(*mine[k].second, join);
    using Stands = std::optional<std::pair<Terms, int64_t>>;
    std::vector<std::optional<Stands>> standing(mine.size());
    auto stands = [&](size_t k) -> const Stands & {
      if (standing[k])
        return *standing[k];
      Terms rest = termsOf(*mine[k].second);
      rest.erase(llvm::find(rest, named[k]));
      auto left = minus(termsOf(theirs[k]), rest);
      int64_t distance = wrappingDifference(theirs[k].offset, mine[k].second->offset);
      if (!left)
        standing[k].emplace(std::nullopt);
      else if (named[k] & kNegated)
        standing[k].emplace(std::pair(negated(*left), wrappingDifference(0, distance)));
      else
        standing[k].emplace(std::pair(*left, distance));
      return *standing[k];
    };
    for (size_t i = 0; i < mine.size(); ++i) {
      // The symbol's own place decides what it stands for.
      if (!named[i] || (named[i] & kNegated) || placeOf(named[i]) != mine[i].first)
        continue;
      const Stands &own = stands(i);
      if (!own)
        continue;
      for (size_t k = 0; k < mine.size(); ++k)
        if ((named[k] & ~kNegated) == named[i] && stands(k) == own)
          kept[k] = true;
    }

    // The other places group by what differs between the sides: the terms
    // only this side has, those only the other has (this join's symbols
    // always differ), and the distance of the offsets; a place whose
    // difference is a group's negated joins it, subtracting. A group's
    // members then hold their shared terms plus one symbol of the join,
    // which stands for the difference: a loop's count (nothing differs but
    // the offset), the sum of a stepped value's additions, or a value
    // replaced on the other side. Where a member's shared terms leave no
    // room for the symbol (a pointer base+index stepped with its index), the
    // symbol takes in the terms every member shares (the index); a member
    // still without room gets a symbol of its own.
    struct Key {
      Terms only_mine, only_theirs;
      int64_t distance;
      std::weak_ordering operator<=>(const Key &) const = default;
      bool operator==(const Key &) const = default;
    };
    std::vector<Terms> shared(mine.size());
    std::vector<bool> subtracts(mine.size(), false);
    std::map<Key, std::vector<size_t>> groups;
    std::vector<const std::vector<size_t> *> order; // by first place
    for (size_t i = 0; i < mine.size(); ++i) {
      if (kept[i])
        continue;
      Terms theirs_only = termsOf(theirs[i]);
      Key key{{}, {}, wrappingDifference(mine[i].second->offset, theirs[i].offset)};
      for (uint64_t term : termsOf(*mine[i].second)) {
        auto it = llvm::find(theirs_only, term);
        if (it != theirs_only.end() && !isAnyJoinSymbolOf(term, join)) {
          shared[i].push_back(term);
          theirs_only.erase(it);
        } else {
          key.only_mine.push_back(term);
        }
      }
      key.only_theirs = std::move(theirs_only);
      Key opposite{negated(key.only_mine), negated(key.only_theirs),
                   wrappingDifference(0, key.distance)};
      if (!groups.count(key) && opposite != key) {
        if (auto it = groups.find(opposite); it != groups.end()) {
          subtracts[i] = true;
          it->second.push_back(i);
          continue;
        }
      }
      auto [it, fresh] = groups.try_emplace(std::move(key));
      if (fresh)
        order.push_back(&it->second);
      it->second.push_back(i);
    }
    // Members i of a group hold their shared terms but `absorbed`, plus
    // (or minus) the symbol named after the first member's place.
    auto assign = [&](const std::vector<size_t> &group, const Terms &absorbed) {
      uint64_t symbol = joinSymbol(join, mine[group.front()].first);
      int64_t first = mine[group.front()].second->offset;
      for (size_t i : group) {
        Terms terms = *minus(shared[i], absorbed);
        int64_t offset = mine[i].second->offset;
        terms.push_back(subtracts[i] ? symbol | kNegated : symbol);
        offset = subtracts[i] ? int64_t(uint64_t(offset) + uint64_t(first))
                              : wrappingDifference(offset, first);
        std::sort(terms.begin(), terms.end());
        *mine[i].second = *valueOf(terms, offset);
      }
    };
    auto fits = [&](size_t i, const Terms &absorbed) {
      std::optional<Terms> terms = minus(shared[i], absorbed);
      return terms && terms->size() + 1 <= kMaxTerms;
    };
    for (const std::vector<size_t> *group : order) {
      Terms absorbed;
      if (!llvm::all_of(*group, [&](size_t i) { return fits(i, {}); })) {
        absorbed = shared[group->front()];
        for (size_t i : *group)
          llvm::erase_if(absorbed, [&](uint64_t term) { return !llvm::is_contained(shared[i], term); });
      }
      // A member subtracts the symbol only as the first member sees it.
      bool whole = absorbed.empty() && fits(group->front(), absorbed);
      std::vector<size_t> room;
      for (size_t i : *group) {
        if (fits(i, absorbed) && (!subtracts[i] || whole)) {
          room.push_back(i);
        } else {
          subtracts[i] = false;
          assign({i}, shared[i]);
        }
      }
      if (!room.empty())
        assign(room, absorbed);
    }
  }
};

// The integer registers, which hold a full 64-bit value (DWARF numbers).
bool isGeneralRegister(Isa isa, int reg) {
  return reg >= 0 && reg < (isa == Isa::X86_64 ? 16 : 32);
}

// A load narrower than its register: the bytes it reads, whether it
// sign-extends them, and the bytes of the register it writes.
struct Extending {
  unsigned bytes;
  bool sign;
  unsigned width;
};

uint64_t lowBytes(uint64_t value, unsigned bytes) {
  return bytes >= 8 ? value : value & ((uint64_t(1) << (8 * bytes)) - 1);
}

// value + addend, 64 bits wide: of a narrow value only the low bytes
// follow (a 32-bit operation truncates the result again).
Maybe plus(Maybe value, int64_t addend) {
  if (!value || value->high || value->shift)
    return std::nullopt;
  value->offset += addend;
  if (value->low && addend)
    value->extension = Extension::Unknown;
  return value;
}

Value based(Kind base, int64_t offset) {
  Value value;
  value.base = base;
  value.offset = offset;
  return value;
}

Value symbol(uint64_t id) {
  Value value;
  value.base = Kind::Symbol;
  value.symbol = id;
  return value;
}

Maybe absolute(uint64_t value) { return based(Kind::Absolute, int64_t(value)); }

// A 16-byte number with its halves exchanged: ppc64's lxvd2x and stxvd2x
// put the doubleword at the lower address in the register's upper half
// (a register's number is what stxvx would store), and xxswapd exchanges
// them. A splat and anything but a number stay as they are.
Maybe swapHalves(Maybe value) {
  if (!value || !value->high)
    return value;
  Value swapped = based(Kind::Absolute, int64_t(*value->high));
  swapped.high = uint64_t(value->offset);
  return swapped;
}

// Word-wise addition of two vector numbers (ppc64's vadduwm).
Maybe addWords(Maybe a, Maybe b) {
  if (!a || !b || a->base != Kind::Absolute || b->base != Kind::Absolute)
    return std::nullopt;
  auto add = [](uint64_t x, uint64_t y) {
    uint64_t low = uint32_t(x) + uint32_t(y), high = uint32_t(x >> 32) + uint32_t(y >> 32);
    return uint32_t(low) | uint64_t(uint32_t(high)) << 32;
  };
  uint64_t low = add(uint64_t(a->offset), uint64_t(b->offset));
  uint64_t high = add(a->high.value_or(uint64_t(a->offset)), b->high.value_or(uint64_t(b->offset)));
  Value out = based(Kind::Absolute, int64_t(low));
  if (high != low)
    out.high = high;
  return out;
}

// a + b, where that has at most two symbols (a CFA or thread-pointer base
// counts as one); else unknown. A symbol and its negation cancel.
Maybe sum(Maybe a, Maybe b) {
  if (!a || !b || a->low || b->low || a->shift || b->shift)
    return std::nullopt;
  if (b->base == Kind::Absolute)
    return plus(a, b->offset);
  if (a->base == Kind::Absolute)
    return plus(b, a->offset);
  if (a->high || b->high)
    return std::nullopt;
  Terms terms = termsOf(*a);
  for (uint64_t term : termsOf(*b)) {
    if (auto it = llvm::find(terms, term ^ kNegated); it != terms.end())
      terms.erase(it);
    else if (llvm::is_contained(terms, term))
      return std::nullopt; // a symbol twice would need a factor of two
    else
      terms.push_back(term);
  }
  std::sort(terms.begin(), terms.end());
  return valueOf(terms, int64_t(uint64_t(a->offset) + uint64_t(b->offset)));
}

// The CFA offset of a frame address; nullopt for any other value.
std::optional<int64_t> frameOffset(Maybe address) {
  if (!address || address->base != Kind::Cfa || address->addend)
    return std::nullopt;
  return address->offset;
}

// The low `bytes` bytes of a value, zero-extended if it is a number (at
// most 8: a vector register's lower half).
Maybe truncated(Maybe value, unsigned bytes) {
  if (value && bytes <= 8)
    value->high.reset();
  if (!value || bytes >= 8)
    return value;
  if (value->base == Kind::Absolute) {
    value->offset = int64_t(lowBytes(uint64_t(value->offset), bytes));
  } else if (!value->low || value->low >= bytes) {
    value->low = uint8_t(bytes);
    value->extension = Extension::Zero;
  } else if (value->extension == Extension::Sign) {
    value->extension = Extension::Unknown; // sign bits up to `bytes`, zeros above
  }
  return value;
}

// The low `bytes` bytes of a value (at most 8), sign- or zero-extended:
// extsw, sxtw, movslq, movzbl.
Maybe extended(Maybe value, unsigned bytes, bool sign) {
  if (!value || bytes >= 8)
    return value;
  value->high.reset();
  if (value->base == Kind::Absolute) {
    value->offset = int64_t(extend_low(uint64_t(value->offset), bytes, sign));
    return value;
  }
  if (!value->low || value->low >= bytes) {
    value->low = uint8_t(bytes);
    value->extension = sign ? Extension::Sign : Extension::Zero;
  } else if (value->extension == Extension::Sign && !sign) {
    value->extension = Extension::Unknown; // sign bits up to `bytes`, zeros above
  }
  // Else narrower than `bytes` already: the extension changes nothing.
  return value;
}

// The narrow value whose low bytes `value` holds where `state` notes them
// (of a noted symbol plus a constant only the low bytes follow), if they
// cover `bytes`; else `value` itself.
Maybe lowBytesOf(const State &state, Maybe value, unsigned bytes = 1) {
  if (!value || value->base != Kind::Symbol || value->addend || value->low || value->shift)
    return value;
  auto it = state.low_bytes.find(value->symbol);
  if (it == state.low_bytes.end() || it->second.low < bytes)
    return value;
  return plus(it->second, value->offset);
}

// Whether `place` holds the low `bytes` bytes of `wanted`: both keep the
// same bytes of base + offset up to there, and beyond their `low` the same
// known extension.
bool holds(const Value &place, const Value &wanted, unsigned bytes) {
  auto kept = [&](const Value &v) { return std::min<unsigned>(v.low ? v.low : 8, bytes); };
  bool extensions = kept(place) == bytes ||
                    (place.extension == wanted.extension && place.extension != Extension::Unknown);
  return place.base == wanted.base && place.offset == wanted.offset &&
         place.symbol == wanted.symbol && place.addend == wanted.addend &&
         place.high == wanted.high && place.bits == wanted.bits &&
         place.shift == wanted.shift && place.shift_signed == wanted.shift_signed &&
         kept(place) == kept(wanted) && extensions;
}

// value >> bits, arithmetic if `sign`: a number is shifted, a sum of
// symbols keeps the shift (a loop's trip count derived from a recorded
// bound, then kept across the calls of later loops); anything else, or a
// value shifted or narrowed before, is unknown.
Maybe shiftedRight(Maybe value, unsigned bits, bool sign) {
  if (!value || bits == 0)
    return value;
  if (bits >= 64 || value->high || value->low || value->shift)
    return std::nullopt;
  if (value->base == Kind::Absolute)
    return absolute(sign ? uint64_t(value->offset >> bits) : uint64_t(value->offset) >> bits);
  if (value->base != Kind::Symbol)
    return std::nullopt;
  value->shift = uint8_t(bits);
  value->shift_signed = sign;
  return value;
}

// An operation that only makes sense on a plain number.
template <class F> Maybe onNumber(Maybe value, F f) {
  if (!value || value->base != Kind::Absolute || value->high)
    return std::nullopt;
  return absolute(f(uint64_t(value->offset)));
}

// AArch64's 8-bit floating-point immediate as a float.
float decodeFpImmediate(unsigned imm) {
  uint32_t sign = (imm >> 7) & 1, exp = (imm >> 4) & 7, mantissa = imm & 0xf;
  uint32_t bits = sign << 31 | ((exp & 4) ? 0u : 1u) << 30 | ((exp & 4) ? 0x1fu : 0u) << 25 |
                  (exp & 3) << 23 | mantissa << 19;
  return std::bit_cast<float>(bits);
}

uint64_t doubleBits(float value) { return std::bit_cast<uint64_t>(double(value)); }

// The operand size of an x86 instruction from its opcode's name (ADD32rm,
// INC64m, SUB64mi8: the mnemonic, the size in bits, then the operands'
// forms, m for memory); nullopt for a name without one.
std::optional<unsigned> x86OperandBytes(StringRef name, StringRef *forms = nullptr) {
  StringRef rest = name.drop_while([](char c) { return c >= 'A' && c <= 'Z'; });
  unsigned bits = 0;
  if (rest.consumeInteger(10, bits) || !llvm::is_contained({8u, 16u, 32u, 64u}, bits))
    return std::nullopt;
  if (forms)
    *forms = rest;
  return bits / 8;
}

// The bytes an x86 read-modify-write of memory changes (INC64m, ADD32mr,
// SUB64mi8, SHL32m1: m first for the memory destination); nullopt for others.
std::optional<unsigned> readModifyWriteBytes(StringRef name) {
  StringRef forms;
  std::optional<unsigned> bytes = x86OperandBytes(name, &forms);
  return bytes && forms.starts_with("m") ? bytes : std::nullopt;
}

// PowerPC's rotate-and-mask, mask bits mb..me in IBM numbering (0 = MSB).
uint64_t rotateMask(uint64_t value, unsigned shift, unsigned mb, unsigned me) {
  uint64_t rotated = std::rotl(value, int(shift));
  uint64_t mask = mb <= me ? (~0ull >> mb) & (~0ull << (63 - me))
                           : (~0ull >> mb) | (~0ull << (63 - me));
  return rotated & mask;
}

// A comparison as ppc64's compares leave it in a condition-register field:
// of `a` with `b`, signed or not, of the low `bytes` bytes.
struct Compared {
  Value a, b;
  bool is_signed = true;
  uint8_t bytes = 8;
  uint64_t mask = ~uint64_t(0); // the bits of `a` compared (andi.'s immediate)
  auto operator<=>(const Compared &) const = default;
};

// cr0 (DWARF 68), which the record forms of ppc64's instructions (`andi.`)
// set from their result.
constexpr int kCr0 = 68;

// The transfer function: what one instruction does to a State, for the
// instructions that build constants, addresses and frames, move them
// between registers and spill slots; every other one gives what it writes a
// symbol of its own. A number in a 16-byte vector register stands for both
// of its halves (ppc64's callee-saved v20-v31 hold splatted constants).
class Interpreter {
public:
  Interpreter(const Disassembler &code) : code_(code), isa_(code.isa()) {}

  State entry(uint64_t function_address) const {
    State state;
    state.reached = true;
    for (int reg = 0; reg < int(kSymbolsPerInstr); ++reg)
      state.regs[reg] = symbol(kEntrySymbols + unsigned(reg));
    // x86's call pushed the return address: the entry SP is CFA - 8.
    state.regs[spReg()] = based(Kind::Cfa, isa_ == Isa::X86_64 ? -8 : 0);
    if (isa_ == Isa::PPC64LE) {
      state.regs[12] = based(Kind::Absolute, int64_t(function_address)); // global entry
      state.regs[13] = based(Kind::ThreadPointer, 0);
    }
    return state;
  }

  // `index` names the symbols the instruction defines.
  void step(const Instr &in, size_t index, State &state) {
    pending_.clear();
    inst_ = &in.inst;
    state_ = &state;
    Maybe andSource = andMask(in.inst) ? operand(in.inst, state, 1) : std::nullopt;
    if (code_.analysis().isCall(in.inst)) {
      call(state);
      commit(index, state);
      return;
    }
    bool handled = false;
    switch (isa_) {
    case Isa::X86_64:
      handled = stepX86(in, state);
      break;
    case Isa::AArch64:
      handled = stepAarch64(in, state);
      break;
    case Isa::PPC64LE:
      handled = stepPpc(in, state);
      break;
    }
    if (!handled)
      clobber(in, state);
    commit(index, state);
    setRecordField(in, andSource, state);
  }

  // What the instruction reads and writes, stepped on `state` (the state
  // before it): its registers, and the frame slots its loads and stores
  // reach. x86's zero idiom (xorl %ebx, %ebx) reads nothing.
  InstrEffects effects(const Instr &in, size_t index, State state) {
    InstrEffects out;
    effects_ = &out;
    State before = state;
    step(in, index, state);
    if (out.loads.empty())
      noteX86FrameRead(in, before);
    effects_ = nullptr;
    out.writes = code_.defs(in.inst);
    StringRef name = code_.opcode_name(in.inst);
    bool zeroIdiom = isa_ == Isa::X86_64 &&
                     (name == "XOR32rr" || name == "XOR64rr" || name == "SUB32rr" ||
                      name == "SUB64rr") &&
                     code_.reg(in.inst, 1) == code_.reg(in.inst, 2);
    if (!zeroIdiom)
      out.reads = code_.uses(in.inst);
    return out;
  }

  int spReg() const { return isa_ == Isa::X86_64 ? 7 : isa_ == Isa::AArch64 ? 31 : 1; }

  // Replays the code from a call's return address: the state there, where
  // what it does not know gets a symbol for its place (a slot's when
  // loaded), and the frame rule's CFA register its frame address, which the
  // rule fixes (where jump tables join every path the dataflow may have
  // lost it, or related it to others).
  State startReplay(const State &returned, const FrameRule &frame) {
    replaying_ = true;
    State state = returned;
    state.regs[frame.cfa_reg] = based(Kind::Cfa, -frame.cfa_offset);
    for (int reg = 0; reg < int(kSymbolsPerInstr); ++reg)
      state.regs.try_emplace(reg, symbol(kReturnRegSymbols + unsigned(reg)));
    return state;
  }
  void endReplay() { replaying_ = false; }

  // The place at the return address whose contents `value` is, if it is
  // such a symbol.
  static std::optional<int> returnRegister(const Value &value) {
    if (value.base != Kind::Symbol || value.addend || value.shift ||
        value.symbol < kReturnRegSymbols || value.symbol >= kReturnSlotSymbols)
      return std::nullopt;
    return int(value.symbol - kReturnRegSymbols);
  }
  static std::optional<ReturnSlot> returnSlot(const Value &value) {
    if (value.base != Kind::Symbol || value.addend || value.shift ||
        value.symbol < kReturnSlotSymbols || value.symbol >= kReturnSymbolsEnd)
      return std::nullopt;
    uint64_t bits = value.symbol - kReturnSlotSymbols;
    return ReturnSlot{int64_t(bits >> 5) - (int64_t(1) << 31), unsigned(bits & 31)};
  }

  Maybe get(const State &state, int reg) const {
    if (reg < 0)
      return std::nullopt;
    auto it = state.regs.find(reg);
    return it == state.regs.end() ? std::nullopt : Maybe(it->second);
  }

  // What a live value's location holds in `state`.
  Maybe at(const State &state, const LiveValue &lv) const {
    switch (lv.kind) {
    case LocationKind::Register: return get(state, lv.dwarf_reg);
    case LocationKind::Direct: return plus(get(state, lv.dwarf_reg), lv.offset);
    case LocationKind::Indirect: return load(state, plus(get(state, lv.dwarf_reg), lv.offset), lv.size);
    case LocationKind::Constant: return absolute(lv.constant);
    }
    return std::nullopt;
  }

  // The comparison a condition-register bit holds, if it holds one.
  const Compared *comparison(uint32_t bit) const {
    uint32_t id = comparisonOfBit(bit);
    return id ? &comparisons_[id - 1] : nullptr;
  }

  // Forgets the bits that compare a value of join point `join`: arriving
  // there again, they hold the previous round's test (the join's symbols
  // inside a comparison are not renamed like those of the places).
  void forgetRoundComparisons(State &state, size_t join) const {
    forgetBits(state, [&](const Compared &c) {
      return joinSymbolIn(c.a, join) || joinSymbolIn(c.b, join);
    });
  }

private:
  // Forgets the condition-register bits whose comparison is `stale`, and
  // the fields left with none.
  template <class Stale> void forgetBits(State &state, Stale stale) const {
    state.regs.keep_if([&](std::pair<int, Value> &entry) {
      bool field = isField(entry.second);
      for (uint32_t &bit : entry.second.bits)
        if (const Compared *c = comparison(bit); c && stale(*c))
          bit = kBitUnknown;
      return !field || isField(entry.second);
    });
  }

  // The field a compare leaves: a comparison of two known values,
  // numbered once so that equal fields are equal Values. Only the bytes
  // compared matter, so a narrow value that keeps them is taken whole.
  Maybe compared(Maybe a, Maybe b, bool isSigned, uint8_t bytes,
                 uint64_t mask = ~uint64_t(0)) {
    if (!a || !b || isField(*a) || isField(*b))
      return std::nullopt;
    for (Value *v : {&*a, &*b}) {
      if (v->low >= bytes) {
        v->low = 0;
        v->extension = Extension::Zero;
      } else if (v->low && v->extension == Extension::Unknown) {
        return std::nullopt; // some of the bytes compared are unknown
      }
    }
    Compared c{*a, *b, isSigned, bytes, mask};
    auto [it, fresh] = comparisonIds_.try_emplace(c, uint32_t(comparisons_.size() + 1));
    if (fresh)
      comparisons_.push_back(c);
    Value field;
    for (unsigned bit = 0; bit < field.bits.size(); ++bit)
      field.bits[bit] = comparisonBit(it->second, bit);
    return field;
  }

  // Whether `value` mentions a symbol of instruction `index`: it no longer
  // holds when that runs again.
  bool mentions(const Value &value, size_t index) const { return isSymbolOf(value, index); }

  // The bits of its source an andi. or andis. keeps and tests.
  std::optional<uint64_t> andMask(const MCInst &inst) const {
    StringRef name = code_.opcode_name(inst);
    uint64_t imm = uint64_t(code_.imm(inst, 2)) & 0xffff;
    if (name == "ANDI_rec" || name == "ANDI8_rec")
      return imm;
    if (name == "ANDIS_rec" || name == "ANDIS8_rec")
      return imm << 16;
    return std::nullopt;
  }

  // A record form sets cr0 from a signed comparison of its 64-bit result
  // with zero; that of andi. and andis. is taken as one of their source's
  // bits (`andi. 4, 30, 1` tests n & 1 of n, which outlives the result).
  void setRecordField(const Instr &in, Maybe andSource, State &state) {
    if (isa_ != Isa::PPC64LE || !code_.opcode_name(in.inst).ends_with("_rec"))
      return;
    std::optional<uint64_t> mask = andMask(in.inst);
    Maybe tested = mask ? andSource : get(state, code_.reg(in.inst, 0));
    Maybe field = compared(tested, absolute(0), true, 8, mask.value_or(~uint64_t(0)));
    if (field)
      state.regs[kCr0] = *field;
  }

  // A call keeps the callee-saved registers but the link register it
  // writes, the stack pointer (and on ppc64 the TOC and thread pointers) and
  // the slots above the stack pointer. Every other register gets a symbol
  // of the call: its result (malloc's pointer) is then related to the slot
  // it is spilled to and to what the code derives from it (ppc64's
  // `addi r17, r3, -16`, kept for a pre-incrementing load).
  void call(State &state) {
    for (int reg = 0; reg < int(kSymbolsPerInstr); ++reg) {
      bool kept = reg == spReg() ||
                  (is_callee_saved(isa_, unsigned(reg)) && !(isa_ == Isa::AArch64 && reg == 30)) ||
                  (isa_ == Isa::PPC64LE && (reg == 2 || reg == 13));
      if (!kept)
        set(reg, std::nullopt);
    }
    std::optional<int64_t> sp = frameOffset(get(state, spReg()));
    if (!sp) {
      state.slots.clear();
      return;
    }
    state.slots.erase(state.slots.begin(), state.slots.lower_bound(*sp));
  }

  // What an unmodelled instruction writes becomes its own symbols; if it
  // may store into the frame, the slots it may reach become unknown.
  void clobber(const Instr &in, State &state) {
    for (int reg : code_.defs(in.inst))
      set(reg, std::nullopt);
    if (!code_.desc(in.inst).mayStore())
      return;
    for (unsigned i = 0; i < in.inst.getNumOperands(); ++i)
      if (Maybe base = operand(in.inst, state, i); base && base->base == Kind::Cfa) {
        // Its offset is unknown here: forget the whole frame.
        state.slots.clear();
        return;
      }
  }

  // Register writes wait for commit: the instruction reads its operands
  // first, and its own earlier symbols die when it runs again. A write of
  // the low `bytes` bytes (zero-extended) keeps them, and so does the
  // symbol that stands for its result if that is unknown: a loop that
  // counts in a 32-bit register then meets the same narrow value on every
  // round, and settles.
  void set(int reg, Maybe value, unsigned bytes = 0) {
    if (reg >= 0 && reg < int(kSymbolsPerInstr))
      pending_.push_back({reg, bytes ? truncated(value, bytes) : value,
                          uint8_t(bytes < 8 ? bytes : 0)});
  }

  // A right shift by `bits`: likewise the symbol that stands for its result
  // if that is unknown is shifted, so a loop that shifts a register on each
  // round (its join drops shifted values that differ) settles.
  void setShiftedRight(int reg, Maybe value, unsigned bits, bool sign) {
    if (reg >= 0 && reg < int(kSymbolsPerInstr))
      pending_.push_back({reg, shiftedRight(value, bits, sign), 0, uint8_t(bits), sign});
  }

  // A result of which the dataflow knows only the low bytes (an extension,
  // a 32-bit operation): the register gets the instruction's own symbol, as
  // an unmodelled result would, so that the code may go on to add it to a
  // pointer (an index); the state notes what its low bytes are.
  void setLowBytes(int reg, Maybe value, unsigned bytes = 0) {
    set(reg, value, bytes);
    if (!pending_.empty() && pending_.back().reg == reg)
      pending_.back().noted = true;
  }

  void commit(size_t index, State &state) {
    state.regs.erase_if([&](const auto &entry) { return mentions(entry.second, index); });
    forgetBits(state, [&](const Compared &c) {
      return mentions(c.a, index) || mentions(c.b, index);
    });
    state.slots.erase_if([&](const auto &entry) { return mentions(entry.second.value, index); });
    state.low_bytes.erase_if([&](const auto &entry) {
      return isInstrSymbolOf(entry.first, index) || mentions(entry.second, index);
    });
    for (auto [reg, value, low, shift, shift_signed, noted] : pending_) {
      if (noted && value && value->low && value->base != Kind::Absolute &&
          !mentions(*value, index)) {
        uint64_t own = symbolOf(index, reg);
        state.low_bytes[own] = *value;
        value = symbol(own);
      } else if (!value || mentions(*value, index)) {
        value = symbol(symbolOf(index, reg));
        value->low = low;
        value->shift = shift;
        value->shift_signed = shift_signed;
      }
      state.regs[reg] = *value;
    }
  }

  // Operand i of the instruction being stepped.
  int reg(unsigned i) const { return code_.reg(*inst_, i); }
  int64_t imm(unsigned i) const { return code_.imm(*inst_, i); }
  Maybe value(unsigned i) const { return operand(*inst_, *state_, i); }

  // The value of register operand i; the zero registers read as 0.
  Maybe operand(const MCInst &inst, const State &state, unsigned i) const {
    if (Disassembler::is_zero_register(code_.reg_name(inst, i)))
      return absolute(0);
    return get(state, code_.reg(inst, i));
  }

  // `bytes` from memory at `address`, zero-extended (or sign-extended, for
  // a number) to the register.
  Maybe load(const State &state, Maybe address, unsigned bytes, bool sign = false) const {
    if (!address || address->low)
      return std::nullopt;
    if (std::optional<int64_t> at = frameOffset(address); at && effects_)
      effects_->loads.push_back({*at, bytes});
    Maybe value;
    if (address->base == Kind::Absolute) {
      uint64_t at = uint64_t(address->offset);
      auto low = code_.read_constant(at, std::min(bytes, 8u));
      if (low && bytes <= 8) {
        value = absolute(*low);
      } else if (low) {
        if (auto high = code_.read_constant(at + 8, bytes - 8)) {
          value = absolute(*low);
          value->high = *high;
        }
      }
    } else if (std::optional<int64_t> at = frameOffset(address)) {
      // A narrower load of a slot reads its low bytes (little-endian).
      auto it = state.slots.find(*at);
      if (it != state.slots.end() && it->second.size >= bytes)
        value = truncated(it->second.value, bytes);
      else if (it == state.slots.end() && replaying_)
        value = symbol(returnSlotSymbol(*at, bytes));
    }
    if (sign && bytes < 8)
      return onNumber(value, [&](uint64_t v) {
        unsigned shift = 64 - 8 * bytes;
        return uint64_t(int64_t(v << shift) >> shift);
      });
    return value;
  }

  // Stores through anything but a frame address are assumed to miss the
  // spill slots: those are never address-taken (escaping locals live in
  // the pass's shadow frame). One at an unknown offset in the frame may hit
  // any.
  void store(State &state, Maybe address, Maybe value, unsigned bytes) const {
    if (address && address->base == Kind::Cfa && address->addend)
      state.slots.clear();
    std::optional<int64_t> frame = frameOffset(address);
    if (!frame)
      return;
    int64_t at = *frame;
    if (effects_)
      effects_->stores.push_back({at, bytes});
    for (auto it = state.slots.lower_bound(at - 16); it != state.slots.end() &&
                                                     it->first < at + int64_t(bytes);) {
      bool overlaps = it->first + it->second.size > at;
      it = overlaps ? state.slots.erase(it) : std::next(it);
    }
    if (value)
      state.slots[at] = Slot{*truncated(value, bytes), uint16_t(bytes)};
  }

  Maybe x86Address(const Instr &in, const State &state, unsigned m, bool &threadPointer) const;
  bool stepX86(const Instr &in, State &state);
  void noteX86FrameRead(const Instr &in, const State &state) const;
  bool stepAarch64(const Instr &in, State &state);
  bool stepPpc(const Instr &in, State &state);
  std::optional<std::pair<int, unsigned>> conditionBit(unsigned i) const;
  uint32_t bitOf(unsigned i) const;

  const Disassembler &code_;
  Isa isa_;
  struct Write {
    int reg;
    Maybe value;
    uint8_t low; // the bytes written, if fewer than the register's
    uint8_t shift = 0; // a right shift's bits
    bool shift_signed = false;
    bool noted = false; // setLowBytes
  };
  std::vector<Write> pending_;
  const MCInst *inst_ = nullptr;
  const State *state_ = nullptr;
  bool replaying_ = false;
  InstrEffects *effects_ = nullptr; // set while effects() steps an instruction
  std::vector<Compared> comparisons_;
  std::map<Compared, uint32_t> comparisonIds_;
};

// The address of the x86 memory operand at `m` (base, scale, index, disp,
// segment); %fs:0 is where x86-64 keeps the thread pointer itself.
Maybe Interpreter::x86Address(const Instr &in, const State &state, unsigned m,
                              bool &threadPointer) const {
  const MCInst &inst = in.inst;
  threadPointer = false;
  if (m + 5 > inst.getNumOperands() || code_.reg(inst, m + 2) >= 0)
    return std::nullopt;
  StringRef segment = code_.reg_name(inst, m + 4);
  StringRef base = code_.reg_name(inst, m);
  int64_t displacement = code_.imm(inst, m + 3);
  if (segment == "FS") {
    threadPointer = base.empty() && displacement == 0;
    return std::nullopt;
  }
  if (!segment.empty())
    return std::nullopt;
  if (base == "RIP")
    return absolute(in.pc + in.size + uint64_t(displacement));
  return plus(get(state, code_.reg(inst, m)), displacement);
}

// An x86 instruction reads a spill slot through its memory operand where
// the dataflow does not model the read too (addl -0x2c(%rbp), %eax; cmpq
// $0, -0x30(%rbp); incq -0x60(%rbp) reads before it writes): its size
// comes from the opcode's name (ADD32rm, CMP64mi8; ADDSDrm reads a double,
// ADDSSrm a float, ADDPDrm and PADDDrm a vector, others 8 bytes).
void Interpreter::noteX86FrameRead(const Instr &in, const State &state) const {
  const MCInstrDesc &desc = code_.desc(in.inst);
  if (isa_ != Isa::X86_64 || !desc.mayLoad())
    return;
  for (unsigned m = 0; m < desc.getNumOperands(); ++m) {
    if (desc.operands()[m].OperandType != MCOI::OPERAND_MEMORY)
      continue;
    bool tp = false;
    std::optional<int64_t> at = frameOffset(x86Address(in, state, m, tp));
    if (!at)
      return;
    StringRef name = code_.opcode_name(in.inst);
    bool vector = name.contains("PS") || name.contains("PD") || name.starts_with("P");
    unsigned bytes = x86OperandBytes(name).value_or(name.contains("SS") ? 4
                                                    : name.contains("SD") ? 8
                                                    : vector              ? 16
                                                                          : 8);
    effects_->loads.push_back({*at, bytes});
    return;
  }
}

bool Interpreter::stepX86(const Instr &in, State &state) {
  const MCInst &inst = in.inst;
  StringRef name = code_.opcode_name(inst);
  unsigned n = inst.getNumOperands();
  auto address = [&](unsigned m, bool &threadPointer) {
    return x86Address(in, state, m, threadPointer);
  };
  static const StringMap<unsigned> loads = {
      {"MOV64rm", 8},      {"MOV32rm", 4},      {"MOVSDrm", 8},      {"MOVSDrm_alt", 8},
      {"MOVSSrm", 4},      {"MOVSSrm_alt", 4},  {"MOVQI2PQIrm", 8},  {"MOV64toPQIrm", 8},
      {"MOVDI2PDIrm", 4},
      {"MOVAPSrm", 16},    {"MOVUPSrm", 16},    {"MOVAPDrm", 16},    {"MOVUPDrm", 16},
      {"MOVDQArm", 16},    {"MOVDQUrm", 16}};
  static const StringMap<Extending> extending = {
      {"MOVZX32rm8", {1, false, 4}}, {"MOVZX32rm16", {2, false, 4}},
      {"MOVSX32rm8", {1, true, 4}},  {"MOVSX32rm16", {2, true, 4}},
      {"MOVZX64rm8", {1, false, 8}}, {"MOVZX64rm16", {2, false, 8}},
      {"MOVSX64rm8", {1, true, 8}},  {"MOVSX64rm16", {2, true, 8}},
      {"MOVSX64rm32", {4, true, 8}}};
  // The register forms (movslq %eax, %rbx; movsbl %al, %ebx; movzbl).
  static const StringMap<Extending> extendingMoves = {
      {"MOVZX32rr8", {1, false, 4}}, {"MOVZX32rr16", {2, false, 4}},
      {"MOVSX32rr8", {1, true, 4}},  {"MOVSX32rr16", {2, true, 4}},
      {"MOVZX64rr8", {1, false, 8}}, {"MOVZX64rr16", {2, false, 8}},
      {"MOVSX64rr8", {1, true, 8}},  {"MOVSX64rr16", {2, true, 8}},
      {"MOVSX64rr32", {4, true, 8}}};
  static const StringMap<unsigned> stores = {
      {"MOV64mr", 8},   {"MOV32mr", 4},   {"MOVSDmr", 8},   {"MOVSSmr", 4},
      {"MOVPQI2QImr", 8}, {"MOV16mr", 2}, {"MOV8mr", 1},    {"MOVAPSmr", 16},
      {"MOVUPSmr", 16}, {"MOVAPDmr", 16}, {"MOVUPDmr", 16}, {"MOVDQAmr", 16},
      {"MOVDQUmr", 16}};
  bool tp = false;
  if (auto it = loads.find(name); it != loads.end() && n == 6) {
    Maybe at = address(1, tp);
    set(reg(0), tp ? based(Kind::ThreadPointer, 0) : load(state, at, it->second));
  } else if (auto it = extending.find(name); it != extending.end() && n == 6) {
    const Extending &e = it->second;
    set(reg(0), load(state, address(1, tp), e.bytes, e.sign), e.width);
  } else if (auto it = stores.find(name); it != stores.end() && n == 6) {
    store(state, address(0, tp), get(state, reg(5)), it->second);
  } else if ((name == "MOV64mi32" || name == "MOV32mi") && n == 6) {
    unsigned bytes = name == "MOV64mi32" ? 8 : 4;
    store(state, address(0, tp), absolute(uint64_t(imm(5))), bytes);
  } else if (name == "LEA64r" && n == 6 && reg(3) >= 0) {
    // base + index + displacement; a scaled index is no sum of two values.
    bool plain = imm(2) == 1 && reg(1) >= 0 && code_.reg_name(inst, 5).empty();
    set(reg(0), plain ? plus(sum(get(state, reg(1)), get(state, reg(3))), imm(4)) : std::nullopt);
  } else if (name == "LEA64r" && n == 6) {
    set(reg(0), address(1, tp));
  } else if (name == "LEA64_32r" && n == 6 && reg(1) >= 0 && reg(3) < 0 &&
             code_.reg_name(inst, 5).empty()) {
    // leal -0x30(%r12), %r13d
    setLowBytes(reg(0), plus(lowBytesOf(state, get(state, reg(1)), 4), imm(4)), 4);
  } else if (auto it = extendingMoves.find(name); it != extendingMoves.end() && n == 2) {
    const Extending &e = it->second;
    setLowBytes(reg(0), extended(lowBytesOf(state, get(state, reg(1)), e.bytes), e.bytes, e.sign),
                e.width);
  } else if (name == "ADD64rr" && n == 3) {
    set(reg(0), sum(get(state, reg(1)), get(state, reg(2))));
    state.regs.erase(49);
  } else if ((name == "SHR64ri" || name == "SAR64ri") && n == 3) {
    setShiftedRight(reg(0), get(state, reg(1)), unsigned(imm(2)) & 63, name == "SAR64ri");
    state.regs.erase(49);
  } else if ((name == "SHR64r1" || name == "SAR64r1") && n == 2) {
    setShiftedRight(reg(0), get(state, reg(1)), 1, name == "SAR64r1");
    state.regs.erase(49);
  } else if (name == "MOV64ri" || name == "MOV64ri32") {
    set(reg(0), absolute(uint64_t(imm(1))));
  } else if (name == "MOV32ri") {
    set(reg(0), absolute(lowBytes(uint64_t(imm(1)), 4)));
  } else if ((name == "XOR32rr" || name == "XOR64rr") && reg(1) == reg(2)) {
    set(reg(0), absolute(0));
    state.regs.erase(49); // eflags
  } else if (name == "MOV64rr" || name == "MOVAPSrr" || name == "MOVAPDrr") {
    set(reg(0), get(state, reg(1)));
  } else if (name == "MOV32rr") {
    set(reg(0), get(state, reg(1)), 4);
  } else if (name == "PUSH64r") {
    Maybe sp = plus(get(state, 7), -8);
    store(state, sp, get(state, reg(0)), 8);
    set(7, sp);
  } else if (std::optional<unsigned> bytes =
                 name == "SETCCm" ? std::optional<unsigned>(1) : readModifyWriteBytes(name);
             bytes && code_.desc(inst).mayStore() && n >= 5 &&
             code_.desc(inst).operands()[0].OperandType == MCOI::OPERAND_MEMORY) {
    // incq -0x60(%rbp), a counter kept in its slot, or sete -0x48(%rbp), a
    // flag: what it leaves there is unknown, but no other slot changes (as
    // an unmodelled store, it would make the whole frame unknown:
    // hashtable's and matmul's main on x86-64). A shift of a slot
    // (shrq -0x98(%rbp), matmul's trip count) leaves the shifted value.
    Maybe at = address(0, tp);
    if (!at && !tp)
      return false;
    Maybe result;
    if (name == "SHR64m1" || name == "SAR64m1" || name == "SHR64mi" || name == "SAR64mi")
      result = shiftedRight(load(state, at, 8), name.ends_with("m1") ? 1 : unsigned(imm(5)) & 63,
                            name.starts_with("SAR"));
    store(state, at, result, *bytes);
    for (int def : code_.defs(inst))
      set(def, std::nullopt);
  } else if (name == "POP64r") {
    Maybe sp = get(state, 7);
    set(reg(0), load(state, sp, 8));
    set(7, plus(sp, 8));
  } else if ((name == "SUB64ri8" || name == "SUB64ri32" || name == "ADD64ri8" ||
              name == "ADD64ri32") &&
             n == 3) {
    int64_t delta = name.starts_with("SUB") ? -imm(2) : imm(2);
    set(reg(0), plus(get(state, reg(1)), delta));
    state.regs.erase(49);
  } else if ((name == "SUB32ri8" || name == "SUB32ri" || name == "ADD32ri8" ||
              name == "ADD32ri" || name == "INC32r" || name == "DEC32r") &&
             n == (name.ends_with("32r") ? 2u : 3u)) {
    int64_t delta = name == "INC32r" ? 1 : name == "DEC32r" ? -1 : imm(2);
    setLowBytes(reg(0), plus(lowBytesOf(state, get(state, reg(1)), 4),
                             name.starts_with("SUB") ? -delta : delta),
                4);
    state.regs.erase(49);
  } else {
    return false;
  }
  return true;
}

bool Interpreter::stepAarch64(const Instr &in, State &state) {
  const MCInst &inst = in.inst;
  StringRef name = code_.opcode_name(inst);
  unsigned n = inst.getNumOperands();
  bool wide = !code_.reg_name(inst, 0).starts_with("W"); // a W destination is 32 bits
  unsigned width = wide ? 0 : 4; // bytes a W register write keeps
  // Loads and stores with an unsigned offset scaled by their size, and
  // their unscaled (ldur/stur) forms.
  static const StringMap<unsigned> scaledLoads = {
      {"LDRXui", 8}, {"LDRWui", 4}, {"LDRDui", 8}, {"LDRSui", 4}, {"LDRQui", 16}};
  static const StringMap<unsigned> unscaledLoads = {
      {"LDURXi", 8}, {"LDURWi", 4}, {"LDURDi", 8}, {"LDURSi", 4}, {"LDURQi", 16}};
  static const StringMap<Extending> scaledExtending = {
      {"LDRBBui", {1, false, 4}}, {"LDRHHui", {2, false, 4}}, {"LDRSBWui", {1, true, 4}},
      {"LDRSHWui", {2, true, 4}}, {"LDRSBXui", {1, true, 8}}, {"LDRSHXui", {2, true, 8}},
      {"LDRSWui", {4, true, 8}}};
  static const StringMap<unsigned> scaledStores = {
      {"STRXui", 8}, {"STRWui", 4},  {"STRDui", 8}, {"STRSui", 4},
      {"STRQui", 16}, {"STRHHui", 2}, {"STRBBui", 1}};
  static const StringMap<unsigned> unscaledStores = {
      {"STURXi", 8}, {"STURWi", 4},  {"STURDi", 8}, {"STURSi", 4},
      {"STURQi", 16}, {"STURHHi", 2}, {"STURBBi", 1}};
  static const StringMap<unsigned> pairStores = {
      {"STPXi", 8}, {"STPWi", 4}, {"STPDi", 8}, {"STPSi", 4}, {"STPQi", 16},
      {"STPXpre", 8}, {"STPDpre", 8}};
  static const StringMap<unsigned> pairLoads = {
      {"LDPXi", 8}, {"LDPWi", 4}, {"LDPDi", 8}, {"LDPSi", 4}, {"LDPQi", 16}};

  if (name == "ADRP") {
    set(reg(0), absolute((in.pc & ~0xfffull) + uint64_t(imm(1) << 12)));
  } else if (name == "ADR") {
    set(reg(0), absolute(in.pc + uint64_t(imm(1))));
  } else if ((name == "ADDXri" || name == "SUBXri" || name == "ADDWri" || name == "SUBWri") &&
             n == 4) {
    int64_t delta = imm(2) << imm(3);
    set(reg(0), plus(value(1), name.starts_with("SUB") ? -delta : delta), width);
  } else if (name == "ADDXrs" && n == 4 && imm(3) == 0) {
    set(reg(0), sum(value(1), value(2)));
  } else if ((name == "UBFMXri" || name == "SBFMXri") && n == 4 && imm(3) == 63) {
    // lsr and asr: bitfield moves of bits immr..63 to the bottom.
    setShiftedRight(reg(0), value(1), unsigned(imm(2)), name == "SBFMXri");
  } else if ((name == "SBFMXri" || name == "SBFMWri" || name == "UBFMWri") && n == 4 &&
             imm(2) == 0 && (imm(3) == 7 || imm(3) == 15 || imm(3) == 31)) {
    // sxtw, sxth, sxtb, uxth, uxtb: the low bytes of the source extended.
    unsigned bytes = unsigned(imm(3) + 1) / 8;
    setLowBytes(reg(0), extended(lowBytesOf(state, value(1), bytes), bytes, name[0] == 'S'),
                width);
  } else if ((name == "MOVZXi" || name == "MOVZWi") && n == 3) {
    set(reg(0), absolute(uint64_t(imm(1)) << imm(2)), width);
  } else if ((name == "MOVNXi" || name == "MOVNWi") && n == 3) {
    set(reg(0), absolute(~(uint64_t(imm(1)) << imm(2))), width);
  } else if ((name == "MOVKXi" || name == "MOVKWi") && n == 4) {
    uint64_t shift = uint64_t(imm(3)), field = uint64_t(0xffff) << shift;
    set(reg(0), onNumber(value(1), [&](uint64_t v) {
          return (v & ~field) | (uint64_t(imm(2)) << shift);
        }), width);
  } else if ((name == "ORRXri" || name == "ORRWri") && n == 3) {
    uint64_t mask = Disassembler::aarch64_logical_immediate(uint64_t(imm(2)), wide ? 64 : 32);
    set(reg(0), onNumber(value(1), [&](uint64_t v) { return v | mask; }));
  } else if (code_.is_aarch64_register_move(inst)) {
    set(reg(0), value(2), width);
  } else if (name == "FMOVXDr" || name == "FMOVDXr" || name == "FMOVDr" ||
             ((name == "ORRv16i8" || name == "ORRv8i8") && n == 3 && reg(1) == reg(2))) {
    set(reg(0), value(1)); // `mov v0.16b, v1.16b` is an orr with itself
  } else if (name == "FMOVSr" || name == "FMOVWSr" || name == "FMOVSWr") {
    set(reg(0), value(1), 4);
  } else if (name == "FMOVDi") {
    set(reg(0), absolute(doubleBits(decodeFpImmediate(unsigned(imm(1))))));
  } else if (name == "FMOVSi") {
    set(reg(0), absolute(std::bit_cast<uint32_t>(decodeFpImmediate(unsigned(imm(1))))));
  } else if (name == "FMOVv2f64_ns") { // splats: the number stands for both halves
    set(reg(0), absolute(doubleBits(decodeFpImmediate(unsigned(imm(1))))));
  } else if (name == "FMOVv4f32_ns") {
    uint64_t lane = std::bit_cast<uint32_t>(decodeFpImmediate(unsigned(imm(1))));
    set(reg(0), absolute(lane << 32 | lane));
  } else if (name == "MOVIv2d_ns") { // each bit of the immediate makes a byte of ones
    uint64_t bytes = 0;
    for (unsigned i = 0; i < 8; ++i)
      if (imm(1) >> i & 1)
        bytes |= uint64_t(0xff) << (8 * i);
    set(reg(0), absolute(bytes));
  } else if (name == "DUPv2i64gpr" && n == 2) {
    set(reg(0), value(1)); // a splat: the number stands for both halves
  } else if (name == "MRS" && imm(1) == 0xde82) { // TPIDR_EL0
    set(reg(0), based(Kind::ThreadPointer, 0));
  } else if ((name == "LDRXl" || name == "LDRDl" || name == "LDRWl" || name == "LDRSl") &&
             n == 2) {
    unsigned bytes = name == "LDRXl" || name == "LDRDl" ? 8 : 4;
    set(reg(0), load(state, absolute(in.pc + uint64_t(imm(1) * 4)), bytes));
  } else if (auto it = scaledLoads.find(name); it != scaledLoads.end() && n == 3) {
    set(reg(0), load(state, plus(value(1), imm(2) * it->second), it->second));
  } else if (auto it = unscaledLoads.find(name); it != unscaledLoads.end() && n == 3) {
    set(reg(0), load(state, plus(value(1), imm(2)), it->second));
  } else if (auto it = scaledExtending.find(name); it != scaledExtending.end() && n == 3) {
    const Extending &e = it->second;
    set(reg(0), load(state, plus(value(1), imm(2) * e.bytes), e.bytes, e.sign), e.width);
  } else if (auto it = pairLoads.find(name); it != pairLoads.end() && n == 4) {
    Maybe at = plus(value(2), imm(3) * it->second);
    Maybe first = load(state, at, it->second), second = load(state, plus(at, it->second), it->second);
    set(reg(0), first);
    set(reg(1), second);
  } else if (auto it = scaledStores.find(name); it != scaledStores.end() && n == 3) {
    store(state, plus(value(1), imm(2) * it->second), value(0), it->second);
  } else if (auto it = unscaledStores.find(name); it != unscaledStores.end() && n == 3) {
    store(state, plus(value(1), imm(2)), value(0), it->second);
  } else if (auto it = pairStores.find(name); it != pairStores.end()) {
    bool pre = name.ends_with("pre"); // (writeback, t1, t2, base, imm)
    unsigned first = pre ? 1 : 0;
    if (n != first + 4)
      return false;
    Maybe at = plus(value(first + 2), imm(first + 3) * it->second);
    store(state, at, value(first), it->second);
    store(state, plus(at, it->second), value(first + 1), it->second);
    if (pre)
      set(reg(0), at);
  } else if ((name == "STRXpre" || name == "STRDpre") && n == 4) { // (writeback, t, base, imm)
    Maybe at = plus(value(2), imm(3));
    store(state, at, value(1), 8);
    set(reg(0), at);
  } else {
    return false;
  }
  return true;
}

// The field (DWARF register) and the bit in it (0 LT, 1 GT, 2 EQ, 3 SO)
// that condition-register bit operand i names (CR2LT).
std::optional<std::pair<int, unsigned>> Interpreter::conditionBit(unsigned i) const {
  StringRef name = code_.reg_name(*inst_, i);
  static constexpr StringRef kBits[] = {"LT", "GT", "EQ", "UN"};
  if (name.size() != 5 || !name.starts_with("CR") || reg(i) < 0)
    return std::nullopt;
  auto bit = llvm::find(kBits, name.drop_front(3));
  if (bit == std::end(kBits))
    return std::nullopt;
  return std::pair(reg(i), unsigned(bit - std::begin(kBits)));
}

// What condition-register bit operand i holds.
uint32_t Interpreter::bitOf(unsigned i) const {
  auto place = conditionBit(i);
  Maybe field = place ? get(*state_, place->first) : std::nullopt;
  return field ? field->bits[place->second] : kBitUnknown;
}

bool Interpreter::stepPpc(const Instr &in, State &state) {
  const MCInst &inst = in.inst;
  StringRef name = code_.opcode_name(inst);
  unsigned n = inst.getNumOperands();
  // D-form: (register, displacement, base).
  static const StringMap<unsigned> loads = {{"LD", 8}, {"LWZ", 4}, {"LWZ8", 4}, {"LFD", 8}};
  static const StringMap<Extending> extending = {
      {"LBZ", {1, false, 8}}, {"LBZ8", {1, false, 8}}, {"LHZ", {2, false, 8}},
      {"LHZ8", {2, false, 8}}, {"LHA", {2, true, 8}},  {"LHA8", {2, true, 8}},
      {"LWA", {4, true, 8}}};
  static const StringMap<unsigned> stores = {{"STD", 8}, {"STW", 4},  {"STW8", 4}, {"STFD", 8},
                                             {"STH", 2}, {"STH8", 2}, {"STB", 1},  {"STB8", 1}};
  // X-form: (register, base, index); the address is their sum. The
  // prologue saves v20-v31 with stxvd2x: modelled, they no longer make
  // the frame's other slots unknown.
  static const StringMap<unsigned> indexedLoads = {{"LDX", 8}, {"LFDX", 8}, {"LXVD2X", 16}};
  static const StringMap<unsigned> indexedStores = {{"STDX", 8}, {"STFDX", 8}, {"STXVD2X", 16}};
  // 32- and 64-bit register forms are one instruction on ppc64.
  StringRef op = name.ends_with("8") && !loads.count(name) && !stores.count(name) &&
                         !extending.count(name)
                     ? name.drop_back()
                     : name;
  if (op == "ADDIS" && n == 3) {
    set(reg(0), plus(value(1), imm(2) << 16));
  } else if ((name == "ADD4" || name == "ADD8") && n == 3) {
    set(reg(0), sum(value(1), value(2)));
  } else if (op == "ADDI" && n == 3) {
    set(reg(0), plus(value(1), imm(2)));
  } else if (op == "LI" && n == 2) {
    set(reg(0), absolute(uint64_t(imm(1))));
  } else if (op == "LIS" && n == 2) {
    set(reg(0), absolute(uint64_t(imm(1) << 16)));
  } else if ((op == "ORI" || op == "ORIS") && n == 3) {
    uint64_t bits = uint64_t(imm(2)) << (op == "ORIS" ? 16 : 0);
    set(reg(0), onNumber(value(1), [&](uint64_t v) { return v | bits; }));
  } else if ((op == "OR" && n == 3 && reg(1) == reg(2)) || (op == "FMR" && n == 2)) {
    set(reg(0), value(1));
  } else if ((op == "EXTSW" || op == "EXTSH" || op == "EXTSB") && n == 2) {
    unsigned bytes = op == "EXTSW" ? 4 : op == "EXTSH" ? 2 : 1;
    setLowBytes(reg(0), extended(lowBytesOf(state, value(1), bytes), bytes, true));
  } else if (op == "RLDICL" && n == 4 && imm(2) == 0 &&
             (imm(3) == 32 || imm(3) == 48 || imm(3) == 56)) {
    unsigned bytes = unsigned(64 - imm(3)) / 8; // clrldi
    setLowBytes(reg(0), extended(lowBytesOf(state, value(1), bytes), bytes, false));
  } else if (op == "RLDICL" && n == 4 && imm(3) > 0 && imm(2) + imm(3) == 64) {
    setShiftedRight(reg(0), value(1), unsigned(imm(3)), false); // srdi
  } else if (op == "SRADI" && n == 3) {
    setShiftedRight(reg(0), value(1), unsigned(imm(2)), true);
  } else if ((op == "RLDIC" || op == "RLDICL" || op == "RLDICR") && n == 4) {
    unsigned shift = unsigned(imm(2)), bound = unsigned(imm(3));
    unsigned mb = op == "RLDICR" ? 0 : bound;
    unsigned me = op == "RLDICR" ? bound : op == "RLDICL" ? 63 : 63 - shift;
    set(reg(0),
        onNumber(value(1), [&](uint64_t v) { return rotateMask(v, shift, mb, me); }));
  } else if (auto it = loads.find(name); it != loads.end() && n == 3) {
    set(reg(0), load(state, plus(value(2), imm(1)), it->second));
  } else if (auto it = extending.find(name); it != extending.end() && n == 3) {
    const Extending &e = it->second;
    set(reg(0), load(state, plus(value(2), imm(1)), e.bytes, e.sign), e.width);
  } else if (name == "LFS" && n == 3) {
    // lfs widens the single to a double in the register: a number changes
    // form, a symbol stays the same float (stfs stored it).
    Maybe single = load(state, plus(value(2), imm(1)), 4);
    if (single && single->base != Kind::Absolute)
      single->low = 0;
    set(reg(0), single && single->base == Kind::Absolute
                    ? absolute(doubleBits(std::bit_cast<float>(uint32_t(single->offset))))
                    : single);
  } else if (name == "STFS" && n == 3) {
    Maybe single = value(0);
    if (single && single->base == Kind::Absolute)
      single = absolute(std::bit_cast<uint32_t>(float(std::bit_cast<double>(single->offset))));
    store(state, plus(value(2), imm(1)), single, 4);
  } else if (auto it = stores.find(name); it != stores.end() && n == 3) {
    store(state, plus(value(2), imm(1)), value(0), it->second);
  } else if (auto it = indexedLoads.find(name); it != indexedLoads.end() && n == 3) {
    Maybe loaded = load(state, sum(value(1), value(2)), it->second);
    set(reg(0), name == "LXVD2X" ? swapHalves(loaded) : loaded);
  } else if (auto it = indexedStores.find(name); it != indexedStores.end() && n == 3) {
    Maybe stored = name == "STXVD2X" ? swapHalves(value(0)) : value(0);
    store(state, sum(value(1), value(2)), stored, it->second);
  } else if (name == "XXPERMDI" && n == 4 && reg(1) == reg(2) && imm(3) == 2) { // xxswapd
    set(reg(0), swapHalves(value(1)));
  } else if (name == "VADDUWM" && n == 3) {
    set(reg(0), addWords(value(1), value(2)));
  } else if (name == "VSPLTISW" && n == 2) {
    uint64_t word = lowBytes(uint64_t(imm(1)), 4);
    set(reg(0), absolute(word | word << 32)); // vector values: a 64-bit splat
  } else if ((name == "XXLXOR" || name == "VXOR") && n == 3 && reg(1) == reg(2)) {
    set(reg(0), absolute(0));
  } else if ((name == "XXLOR" || name == "VOR") && n == 3 && reg(1) == reg(2)) {
    set(reg(0), value(1));
  } else if (name == "XVCVSXWDP" && n == 2) {
    // Words to doubles: a splat of one word gives a splat of one double.
    Maybe in = value(1), out;
    if (in && in->base == Kind::Absolute &&
        uint32_t(in->offset) == uint32_t(uint64_t(in->offset) >> 32))
      out = absolute(std::bit_cast<uint64_t>(double(int32_t(in->offset))));
    set(reg(0), out);
  } else if ((name == "CMPD" || name == "CMPLD" || name == "CMPW" || name == "CMPLW") && n == 3) {
    set(reg(0), compared(value(1), value(2), name[3] != 'L', name.ends_with("D") ? 8 : 4));
  } else if ((name == "CMPDI" || name == "CMPLDI" || name == "CMPWI" || name == "CMPLWI") &&
             n == 3) {
    // The disassembler sign-extends the signed forms' immediate already.
    set(reg(0), compared(value(1), absolute(uint64_t(imm(2))), name[3] != 'L',
                         name.drop_back().ends_with("D") ? 8 : 4));
  } else if (name == "MCRF" && n == 2) {
    set(reg(0), value(1));
  } else if (name.starts_with("CR") && n == 3 && conditionBit(0)) {
    // A logical operation on two bits (crmove, crnot, crset, crclr are
    // cror, crnor, creqv, crxor of one bit with itself); an "N" before the
    // operation complements the result, a "C" after it the second operand.
    StringRef op = name.drop_front(2);
    bool negate = op.consume_front("N") || op == "EQV";
    if (op == "EQV")
      op = "XOR";
    bool complementB = op.consume_back("C");
    uint32_t a = bitOf(1), b = bitOf(2);
    if (complementB)
      b = complement(b);
    bool same = !complementB && code_.reg_name(in.inst, 1) == code_.reg_name(in.inst, 2);
    uint32_t out = op == "AND" ? andBits(a, b, same)
                   : op == "OR" ? orBits(a, b, same)
                   : op == "XOR" ? xorBits(a, b, same)
                                : kBitUnknown;
    auto [field, bit] = *conditionBit(0);
    Value written;
    if (Maybe before = get(state, field); before && isField(*before))
      written = *before;
    written.bits[bit] = negate ? complement(out) : out;
    set(field, isField(written) ? Maybe(written) : std::nullopt);
  } else if (name == "STDU" && n == 4) { // (writeback, s, displacement, base)
    Maybe at = plus(value(3), imm(2));
    store(state, at, value(1), 8);
    set(reg(0) >= 0 ? reg(0) : reg(3), at);
  } else {
    return false;
  }
  return true;
}

// The function's instructions in address order up to `end`, or to the
// first bytes that are no instruction (ppc64's traceback table follows the
// code).
std::vector<Instr> decodeFunction(const Disassembler &code, uint64_t start, uint64_t end) {
  std::vector<Instr> out;
  for (uint64_t pc = start; pc < end;) {
    Instr in;
    in.pc = pc;
    if (!code.decode(pc, in.inst, in.size) || in.size == 0)
      break;
    pc += in.size;
    out.push_back(std::move(in));
  }
  return out;
}

// The State before each instruction of a function, met over every path
// from its entry. Its code is decoded up to `end` at least (the last
// stackmap point), which lies beyond the end of a function without a sized
// symbol: no path in such a function is certain.
class Dataflow {
public:
  Dataflow(const Disassembler &code, const Function &function, uint64_t end,
           Interpreter &interpreter)
      : instrs_(decodeFunction(code, function.address,
                               std::max(end, function.address + function.size))),
        states_(instrs_.size()) {
    if (!instrs_.empty() && function.size)
      complete_ = run(code, function, interpreter);
  }

  // The state before the instruction at `pc`; null if no path is certain
  // to reach it.
  const State *at(uint64_t pc) const {
    auto i = indexOf(pc);
    return complete_ && i && states_[*i].reached ? &states_[*i] : nullptr;
  }

  // The state at the return address `pc` as the call leaves it: where
  // other paths join there (a branch around the call: hashtable's main on
  // x86-64 sets r15 to 16 only on the path through the printf it returns
  // from), the state they meet in says less than a migration, which comes
  // through the call, finds. Null where at() is.
  std::optional<State> returned_to(uint64_t pc, const Disassembler &code,
                                   Interpreter &interpreter) const {
    const State *joined = at(pc);
    size_t i = *indexOf(pc);
    if (!joined || i == 0 || !states_[i - 1].reached ||
        !code.analysis().isCall(instrs_[i - 1].inst) ||
        llvm::all_of(succs_, [&](const std::vector<size_t> &to) {
          return &to == &succs_[i - 1] || !llvm::is_contained(to, i);
        }))
      return joined ? std::optional<State>(*joined) : std::nullopt;
    State state = states_[i - 1];
    interpreter.step(instrs_[i - 1], i - 1, state);
    return state;
  }

  // What is live before the instruction at `pc` (at() must be non-null
  // there): each reached instruction's effects in the state found before
  // it, through the control flow the states hold on. A trap ends its path
  // (x86's ud2 after a call to longjmp falls through into other code).
  const Live &live_at(uint64_t pc, const Disassembler &code, Interpreter &interpreter) {
    if (!live_) {
      std::vector<InstrEffects> effects(instrs_.size());
      std::vector<std::vector<size_t>> succs = succs_;
      for (size_t i = 0; i < instrs_.size(); ++i) {
        if (states_[i].reached)
          effects[i] = interpreter.effects(instrs_[i], i, states_[i]);
        if (code.desc(instrs_[i].inst).isTrap())
          succs[i].clear();
      }
      live_ = live_before(effects, succs);
    }
    return (*live_)[*indexOf(pc)];
  }

  // The instructions from `from` up to `to`, with the index of the first
  // (which names their symbols); nullopt unless both start instructions.
  std::optional<std::pair<size_t, std::span<const Instr>>> between(uint64_t from,
                                                                   uint64_t to) const {
    auto first = indexOf(from), last = indexOf(to);
    if (!first || !last || *last < *first)
      return std::nullopt;
    return std::pair{*first, std::span(instrs_).subspan(*first, *last - *first)};
  }

private:
  std::optional<size_t> indexOf(uint64_t pc) const {
    auto it = std::lower_bound(instrs_.begin(), instrs_.end(), pc,
                               [](const Instr &in, uint64_t a) { return in.pc < a; });
    if (it == instrs_.end() || it->pc != pc)
      return std::nullopt;
    return size_t(it - instrs_.begin());
  }

  // Forward dataflow to a fixed point. False if a branch leads into bytes
  // that are no instruction, or a loop does not settle: no path is certain.
  bool run(const Disassembler &code, const Function &function, Interpreter &interpreter) {
    // The control flow: each instruction's predecessors and successors.
    // An indirect branch (a switch's jump table) gets its targets once the
    // dataflow knows its table's address (below).
    const MCInstrAnalysis &analysis = code.analysis();
    std::vector<std::vector<size_t>> preds(instrs_.size());
    std::vector<size_t> indirect;
    for (size_t i = 0; i < instrs_.size(); ++i) {
      const Instr &in = instrs_[i];
      const MCInst &inst = in.inst;
      bool call = analysis.isCall(inst);
      if (!call && analysis.isBranch(inst)) {
        uint64_t target = 0;
        if (analysis.evaluateBranch(inst, in.pc, in.size, target)) {
          if (auto to = indexOf(target))
            preds[*to].push_back(i);
          else if (target >= function.address && target < function.address + function.size)
            return false;
          // (a target outside the function is a tail call)
        } else if (analysis.isIndirectBranch(inst)) {
          indirect.push_back(i);
        }
      }
      bool falls = call || !(analysis.isUnconditionalBranch(inst) || analysis.isReturn(inst) ||
                             analysis.isIndirectBranch(inst) || code.desc(inst).isBarrier());
      if (falls && i + 1 < instrs_.size())
        preds[i + 1].push_back(i);
    }
    std::vector<std::vector<size_t>> succs(instrs_.size());
    for (size_t i = 0; i < instrs_.size(); ++i)
      for (size_t p : preds[i])
        succs[p].push_back(i);
    // The indirect branches whose targets are unknown: they may reach any
    // instruction (a case may fall through into another, so no instruction
    // is safe).
    std::vector<size_t> anywhere;

    // An instruction's state is made anew from what flows into it each time
    // (so the join's symbols stay named after their places, and a loop
    // reaches a fixed point); `outs` holds each instruction's result.
    const State entry = interpreter.entry(function.address);
    auto relatable = [&](int reg) { return isGeneralRegister(code.isa(), reg); };
    std::vector<State> outs(instrs_.size());
    auto incoming = [&](size_t i) {
      std::vector<const State *> in;
      if (i == 0)
        in.push_back(&entry);
      for (const std::vector<size_t> *from : {&preds[i], &anywhere})
        for (size_t p : *from)
          if (outs[p].reached)
            in.push_back(&outs[p]);
      if (in.empty())
        return State{};
      State state = *in.front();
      state.age(i);
      for (size_t k = 1; k < in.size(); ++k)
        state.meet(*in[k], i, relatable);
      if (state.mentionsJoin(i)) {
        State self = state;
        state.meet(self, i, relatable); // replaces what still holds old symbols
      }
      interpreter.forgetRoundComparisons(state, i);
      return state;
    };
    // Instructions in reverse postorder, so a join is made anew once every
    // path into it within a loop has its new state (visits settle in few
    // rounds); the order takes indirect branches to reach everything, so
    // that the cases get a rank. Unreachable code is never visited.
    std::vector<size_t> rank(instrs_.size(), SIZE_MAX);
    {
      std::vector<size_t> postorder;
      std::vector<std::pair<size_t, size_t>> stack = {{0, 0}}; // (instruction, next successor)
      std::vector<bool> seen(instrs_.size(), false);
      seen[0] = true;
      std::vector<size_t> all(instrs_.size());
      for (size_t i = 0; i < all.size(); ++i)
        all[i] = i;
      while (!stack.empty()) {
        auto &[i, next] = stack.back();
        const std::vector<size_t> &out = llvm::is_contained(indirect, i) ? all : succs[i];
        if (next < out.size()) {
          size_t to = out[next++];
          if (!seen[to]) {
            seen[to] = true;
            stack.push_back({to, 0});
          }
          continue;
        }
        postorder.push_back(i);
        stack.pop_back();
      }
      for (size_t k = 0; k < postorder.size(); ++k)
        rank[postorder[k]] = postorder.size() - 1 - k;
    }
    std::set<std::pair<size_t, size_t>> work = {{rank[0], 0}}; // by rank
    auto next = [&](size_t to) {
      if (rank[to] != SIZE_MAX)
        work.insert({rank[to], to});
    };
    auto allNext = [&] {
      for (size_t to = 0; to < instrs_.size(); ++to)
        next(to);
    };
    // What a jump table read needs from the states: a number in a register,
    // and code that only one path enters.
    auto number = [&](size_t i, int reg) -> std::optional<uint64_t> {
      Maybe value = states_[i].reached ? interpreter.get(states_[i], reg) : std::nullopt;
      if (!value || value->base != Kind::Absolute || value->high || value->shift || isField(*value))
        return std::nullopt;
      return value->low ? lowBytes(uint64_t(value->offset), value->low) : uint64_t(value->offset);
    };
    auto fallsOnly = [&](size_t i) {
      return anywhere.empty() && preds[i].size() == 1 && preds[i][0] == i - 1;
    };
    // Gives the indirect branches reached the targets their tables hold in
    // the states found; true if that changed the control flow.
    auto readTables = [&] {
      bool changed = false;
      for (size_t b : indirect) {
        if (!outs[b].reached || llvm::is_contained(anywhere, b))
          continue;
        auto targets = jump_table_targets(code, instrs_, b, fallsOnly, number);
        std::vector<size_t> to;
        for (uint64_t target : targets ? *targets : std::vector<uint64_t>{}) {
          auto index = indexOf(target);
          if (!index) {
            targets.reset();
            break;
          }
          to.push_back(*index);
        }
        if (!targets) {
          anywhere.push_back(b);
          allNext();
          changed = true;
          continue;
        }
        for (size_t t : to)
          if (!llvm::is_contained(succs[b], t)) {
            succs[b].push_back(t);
            preds[t].push_back(b);
            next(t);
            changed = true;
          }
      }
      return changed;
    };
    // Bounds the work on code whose loops do not settle; it then gets no
    // known values, as if it could not be decoded.
    constexpr unsigned kMaxVisits = 64, kWidenAfter = 48;
    std::vector<unsigned> visits(instrs_.size(), 0);
    // The tables are read at each fixed point, until their targets are
    // those of the states found: the states then hold on every path.
    do {
      while (!work.empty()) {
        size_t i = work.begin()->second;
        work.erase(work.begin());
        State in = incoming(i);
        // Joins whose symbols keep changing round a loop (Lua's `statement`
        // on AArch64: a register known on every other round) settle once
        // they keep only what held the round before.
        if (states_[i].reached && visits[i] >= kWidenAfter)
          in.keepAgreeing(states_[i]);
        if (!in.reached || (states_[i].reached && in == states_[i]))
          continue;
        if (++visits[i] > kMaxVisits)
          return false;
        states_[i] = in;
        interpreter.step(instrs_[i], i, in);
        if (outs[i].reached && in == outs[i])
          continue;
        outs[i] = std::move(in);
        for (size_t to : succs[i])
          next(to);
        if (llvm::is_contained(anywhere, i))
          allNext();
      }
    } while (readTables());
    succs_ = std::move(succs);
    for (size_t b : anywhere) {
      succs_[b].resize(instrs_.size());
      std::iota(succs_[b].begin(), succs_[b].end(), size_t(0));
    }
    return true;
  }

  std::vector<Instr> instrs_;
  std::vector<State> states_;
  std::vector<std::vector<size_t>> succs_; // the control flow the states hold on
  std::optional<std::vector<Live>> live_;
  bool complete_ = false;
};

std::string placeText(const LiveValue &lv) {
  switch (lv.kind) {
  case LocationKind::Register: return fmt::format("DWARF register {}", lv.dwarf_reg);
  case LocationKind::Direct: return fmt::format("address r{}{:+}", lv.dwarf_reg, lv.offset);
  case LocationKind::Indirect: return fmt::format("slot [r{}{:+}]", lv.dwarf_reg, lv.offset);
  case LocationKind::Constant: break;
  }
  return "constant";
}

// Gives each live value of `site` the place that holds it at the return
// address: the record describes the stackmap point, and the code between
// the two (`code`, from instruction `first`) may have reloaded, copied or
// computed it (from something known). A place whose contents are the same
// at both points keeps the value.
void moveToReturnAddress(Interpreter &interpreter, Isa isa, CallSite &site,
                         const State &returned, size_t first, std::span<const Instr> code) {
  State start = interpreter.startReplay(returned, site.frame);
  State recorded = start;
  for (size_t i = 0; i < code.size(); ++i)
    interpreter.step(code[i], first + i, recorded);
  int sp = interpreter.spReg();
  for (size_t i = 0; i < site.live_values.size(); ++i) {
    LiveValue &lv = site.live_values[i];
    if (lv.kind == LocationKind::Constant)
      continue;
    Maybe wanted = interpreter.at(recorded, lv);
    unsigned bytes = lv.type.bits && lv.type.bits % 8 == 0 ? lv.type.bits / 8u : lv.size;
    bytes = std::min(bytes, lv.type.value_class == ValueClass::Vector ? 16u : 8u);
    // A call keeps only the callee-saved registers, and of ppc64's vs14-vs31
    // and aarch64's v8-v15 only the low 8 bytes: a vector reloaded into one
    // after the call is not what it held before (the spill slot is).
    auto keeps = [&](int reg) {
      return reg != sp && callee_saved_bytes(isa, unsigned(reg)) >= bytes;
    };
    if (wanted == interpreter.at(start, lv) &&
        (lv.kind != LocationKind::Register || bytes <= 8 || keeps(lv.dwarf_reg)))
      continue;
    auto unknown = [&] {
      fail("call site {:#x}: live value {} ({} at the stackmap point {:#x}) is computed after "
           "the return address {:#x} from something the frame does not keep across the call; "
           "where it is at the return address is unknown",
           site.id, i, placeText(lv), site.record_address, site.return_address);
    };
    if (!wanted)
      unknown();
    // A vector number with two different halves is no Constant: only a
    // place that holds it will do.
    if (wanted->base == Kind::Absolute && !wanted->high) {
      lv.kind = LocationKind::Constant;
      lv.constant = uint64_t(wanted->offset);
      continue;
    }
    auto toRegister = [&](int reg) {
      lv.kind = LocationKind::Register;
      lv.dwarf_reg = uint16_t(reg);
      lv.offset = 0;
    };
    if (auto reg = Interpreter::returnRegister(*wanted)) {
      // What a register held at the return address.
      if (!keeps(*reg) || wanted->offset != 0)
        unknown();
      toRegister(*reg);
      continue;
    }
    auto inRegister = std::find_if(start.regs.begin(), start.regs.end(), [&](auto &entry) {
      return keeps(entry.first) && holds(entry.second, *wanted, bytes);
    });
    if (inRegister != start.regs.end()) {
      toRegister(inRegister->first);
      continue;
    }
    // Frame places are addressed from the record's own base register, the
    // frame rule's CFA register or the stack pointer, the first that holds a
    // frame address.
    int baseReg = -1;
    Maybe base;
    for (int reg : {lv.kind == LocationKind::Register ? -1 : int(lv.dwarf_reg),
                    int(site.frame.cfa_reg), sp})
      if (Maybe v = interpreter.get(start, reg); !base && frameOffset(v) && !v->low) {
        baseReg = reg;
        base = v;
      }
    if (!base)
      unknown();
    auto toSlot = [&](int64_t cfaOffset, unsigned size) {
      lv.kind = LocationKind::Indirect;
      lv.dwarf_reg = uint16_t(baseReg);
      lv.offset = int32_t(cfaOffset - base->offset);
      lv.size = uint16_t(size);
    };
    // A slot as wide as the value before a narrower one that holds its low
    // bytes (a 32-bit value zero-extended and spilled whole, beside the
    // 4-byte slot it came from).
    auto findSlot = [&](unsigned width) {
      return std::find_if(start.slots.begin(), start.slots.end(), [&](auto &entry) {
        return entry.first < 0 && entry.second.size >= width &&
               holds(entry.second.value, *wanted, bytes);
      });
    };
    auto inSlot = findSlot(bytes);
    if (inSlot == start.slots.end())
      inSlot = findSlot(0);
    if (auto slot = Interpreter::returnSlot(*wanted); slot && wanted->offset == 0)
      toSlot(slot->cfa_offset, std::min<unsigned>(slot->bytes, lv.size));
    else if (inSlot != start.slots.end())
      toSlot(inSlot->first, std::min<unsigned>(inSlot->second.size, lv.size));
    else if (frameOffset(wanted) && !wanted->low) {
      lv.kind = LocationKind::Direct;
      lv.dwarf_reg = uint16_t(baseReg);
      lv.offset = int32_t(wanted->offset - base->offset);
    } else {
      unknown();
    }
  }
  interpreter.endReplay();
}

// Sets the known values of `site` from the state at its return address.
void findKnownValues(const Interpreter &interpreter, Isa isa, CallSite &site,
                     const State &state) {
  int sp = interpreter.spReg();
  // Where each recorded live value is, as the dataflow sees it.
  std::vector<Maybe> recorded;
  std::vector<std::optional<int64_t>> recordedSlot; // its CFA offset, for Indirect
  for (const LiveValue &lv : site.live_values) {
    Maybe value;
    std::optional<int64_t> slot;
    if (lv.kind == LocationKind::Register) {
      value = interpreter.get(state, lv.dwarf_reg);
    } else if (lv.kind == LocationKind::Indirect) {
      if (std::optional<int64_t> frame = frameOffset(interpreter.get(state, lv.dwarf_reg))) {
        slot = *frame + lv.offset;
        if (auto it = state.slots.find(*slot); it != state.slots.end())
          value = it->second.value;
      }
    }
    recorded.push_back(value);
    recordedSlot.push_back(slot);
  }
  // What a known value may be built of: a plain base or a recorded value
  // (or a 64-bit one subtracted), plus (for a sum) a recorded 64-bit value;
  // never one of which only some bytes are known, nor a shifted one (the
  // shift of a known value comes after its sum).
  struct Part {
    KnownValue::Base base;
    uint32_t live_value;
    Terms terms;
    int64_t offset;
    bool negated = false;
  };
  std::vector<Part> bases = {{KnownValue::Base::Absolute, 0, {}, 0},
                             {KnownValue::Base::ThreadPointer, 0, {kThreadPointerTerm}, 0},
                             {KnownValue::Base::Cfa, 0, {kCfaTerm}, 0}};
  std::vector<Part> addends;
  for (size_t i = 0; i < recorded.size(); ++i) {
    if (!recorded[i] || recorded[i]->low || recorded[i]->shift)
      continue;
    Part part{KnownValue::Base::LiveValue, uint32_t(i), termsOf(*recorded[i]),
              recorded[i]->offset};
    bases.push_back(part);
    if (site.live_values[i].type.bits == 64) {
      addends.push_back(part);
      bases.push_back({KnownValue::Base::LiveValue, uint32_t(i), negated(part.terms),
                       wrappingDifference(0, part.offset), true});
    }
  }
  // A place whose low bytes are those of a recorded value plus a constant,
  // where the two differ above: x86's `leal -0x30(%r12), %r13d` records r13
  // and keeps r12; ppc64's `extsw 25, 29` records r25 and keeps r29. The
  // place is exactly its low bytes extended as it knows them; a place whose
  // upper bytes are unknown (a 64-bit register the code counts a 32-bit
  // value in) gets its low 4 bytes extended as the ISA's 32-bit operations
  // leave them, which is all such code reads of it: zero-extended on x86
  // and AArch64; sign-extended on ppc64, whose ABI passes an int so and
  // whose extsw then leaves it unchanged.
  auto describeLow = [&](KnownValue known, const Value &held) -> std::optional<KnownValue> {
    Maybe value = lowBytesOf(state, held);
    if (!value || value->shift || value->high || value->base != Kind::Symbol)
      return std::nullopt;
    unsigned placeBytes = value->low ? value->low : 8;
    bool extensionKnown = value->low && value->extension != Extension::Unknown;
    Terms want = termsOf(*value);
    for (size_t i = 0; i < recorded.size(); ++i) {
      Maybe live = lowBytesOf(state, recorded[i]);
      if (!live || live->shift || live->high || termsOf(*live) != want)
        continue;
      const ValueType &type = site.live_values[i].type;
      unsigned typeBytes = type.bits && type.bits % 8 == 0 ? type.bits / 8u
                                                           : site.live_values[i].size;
      unsigned bytes = std::min({placeBytes, live->low ? live->low : 8u, typeBytes});
      bool exact = extensionKnown && bytes == placeBytes;
      if (bytes >= 8 || (!exact && bytes != 4))
        continue;
      known.base = KnownValue::Base::LiveValue;
      known.live_value = uint32_t(i);
      known.offset = wrappingDifference(value->offset, live->offset);
      known.low = uint8_t(bytes);
      known.sign_extended =
          exact ? value->extension == Extension::Sign : isa == Isa::PPC64LE;
      return known;
    }
    return std::nullopt;
  };
  auto describe = [&](KnownValue known, const Value &value) -> std::optional<KnownValue> {
    for (size_t i = 0; i < recorded.size(); ++i) {
      const LiveValue &location = site.live_values[i];
      bool same = known.in_register
                      ? location.kind == LocationKind::Register &&
                            location.dwarf_reg == known.dwarf_reg
                      : recordedSlot[i] == known.cfa_offset;
      if (same && recorded[i] == value)
        return std::nullopt; // the record already puts it there
    }
    if (value.low)
      return describeLow(known, value);
    Terms want = termsOf(value);
    auto found = [&](const Part &base, const Part *addend) {
      known.base = base.base;
      known.live_value = base.live_value;
      known.negated = base.negated;
      int64_t offset = wrappingDifference(value.offset, base.offset);
      if (addend) {
        known.plus_live_value = addend->live_value;
        offset = wrappingDifference(offset, addend->offset);
      } else if (base.base == KnownValue::Base::Absolute) {
        known.high = value.high.value_or(uint64_t(offset));
      }
      known.offset = offset;
      known.shift_right = value.shift;
      known.shift_signed = value.shift_signed;
      return known;
    };
    for (const Part &base : bases)
      if (base.terms == want)
        return found(base, nullptr);
    for (const Part &base : bases)
      for (const Part &addend : addends) {
        if (base.terms.size() + addend.terms.size() != want.size())
          continue;
        Terms both;
        std::merge(base.terms.begin(), base.terms.end(), addend.terms.begin(), addend.terms.end(),
                   std::back_inserter(both));
        if (both == want)
          return found(base, &addend);
      }
    return describeLow(known, value);
  };
  // A comparison in a condition-register field: its first operand
  // described like any value, the other a number or a recorded value plus
  // a number.
  auto describeComparison = [&](KnownValue known,
                                const Compared &c) -> std::optional<KnownValue> {
    std::optional<KnownValue> first = describe(known, c.a);
    if (!first || c.b.low || c.b.high || c.b.shift)
      return std::nullopt;
    Comparison other{c.is_signed, c.bytes, std::nullopt, c.b.offset};
    other.mask = c.mask;
    Terms want = termsOf(c.b);
    if (!want.empty()) {
      auto part = llvm::find_if(bases, [&](const Part &p) {
        return p.base == KnownValue::Base::LiveValue && !p.negated && p.terms == want;
      });
      if (part == bases.end())
        return std::nullopt;
      other.live_value = part->live_value;
      other.offset = wrappingDifference(c.b.offset, part->offset);
    }
    first->comparison = other;
    return first;
  };
  // A field: one known value per comparison its bits hold, saying which,
  // and a number for the bits set as constants (the others are clear).
  auto describeField = [&](const KnownValue &place, const Value &field) {
    uint64_t ones = 0;
    for (size_t i = 0; i < field.bits.size(); ++i)
      if (field.bits[i] == kBitOne)
        ones |= 8 >> i;
    if (ones)
      if (auto known = describe(place, *absolute(ones)))
        site.known_values.push_back(*known);
    std::set<uint32_t> described;
    for (uint32_t bit : field.bits) {
      uint32_t id = comparisonOfBit(bit);
      if (!id || !described.insert(id).second)
        continue;
      std::optional<KnownValue> known =
          describeComparison(place, *interpreter.comparison(bit));
      if (!known)
        continue;
      Comparison &c = *known->comparison;
      for (size_t i = 0; i < field.bits.size(); ++i) {
        bool held = comparisonOfBit(field.bits[i]) == id;
        c.result_bit[i] = held ? uint8_t(resultBitOf(field.bits[i])) : Comparison::kNoBit;
        if (held && (field.bits[i] & kBitInverted))
          c.complemented |= uint8_t(8 >> i);
      }
      site.known_values.push_back(*known);
    }
  };
  site.known_values.clear();
  for (const auto &[reg, value] : state.regs) {
    if (reg == sp || !is_callee_saved(isa, unsigned(reg)))
      continue;
    KnownValue place{true, uint16_t(reg), 0, 8};
    if (isField(value))
      describeField(place, value);
    else if (auto known = describe(place, value))
      site.known_values.push_back(*known);
  }
  for (const auto &[offset, slot] : state.slots)
    if (offset < 0) // the frame's own slots, below the CFA
      if (auto known = describe({false, 0, int32_t(offset), slot.size}, slot.value))
        site.known_values.push_back(*known);
}

// Whether `value` is what a register held at the function's entry (the
// caller's, which the transformer finds by unwinding): of `reg`, or of any
// register if reg is -1 (a save slot).
bool isEntryValue(const Value &value, int reg = -1) {
  if (value.base != Kind::Symbol || value.addend || value.offset || value.low || value.shift ||
      isField(value) || value.symbol < kEntrySymbols ||
      value.symbol >= kEntrySymbols + kSymbolsPerInstr)
    return false;
  return reg < 0 || value.symbol == kEntrySymbols + unsigned(reg);
}

// Why a call site must be refused, if the code after its return address
// reads a callee-saved register or a frame slot before it writes it, and no
// live value or known value describes what it holds there, nor is it one the
// transformer rebuilds otherwise: the stack and frame pointers, a register
// the function has not changed, a register's save slot. Such a place holds
// something the code generator keeps across the call beside the record
// (loop strength reduction's pointer stepping four times a recorded index,
// a value kept as the difference of two counters, a 32-bit count beside
// its recorded copy), which a migration would leave with the source's bytes.
std::optional<std::string> undescribedAtReturn(const Interpreter &interpreter, Isa isa,
                                               const CallSite &site, const State &returned,
                                               const Live &live) {
  auto refusal = [&](const std::string &place) {
    return fmt::format("call site {:#x}: the code after the return address {:#x} reads {} "
                       "before writing it, and no live value or known value describes it: the "
                       "code generator keeps a value across the call that the record does not "
                       "name (build without loop strength reduction)",
                       site.id, site.return_address, place);
  };
  int sp = interpreter.spReg();
  for (int reg : live.regs) {
    if (!is_callee_saved(isa, unsigned(reg)) || reg == sp || reg == site.frame.cfa_reg ||
        (isa == Isa::AArch64 && reg == 30))
      continue;
    bool described =
        llvm::any_of(site.live_values,
                     [&](const LiveValue &lv) {
                       return lv.kind == LocationKind::Register && lv.dwarf_reg == reg;
                     }) ||
        llvm::any_of(site.known_values,
                     [&](const KnownValue &k) { return k.in_register && k.dwarf_reg == reg; });
    Maybe held = interpreter.get(returned, reg);
    if (!described && !(held && isEntryValue(*held, reg)))
      return refusal(fmt::format("DWARF register {}", reg));
  }

  std::set<int64_t> described;
  auto describe = [&](int64_t cfaOffset, unsigned bytes) {
    for (unsigned b = 0; b < bytes; ++b)
      described.insert(cfaOffset + b);
  };
  // A live value describes its slot; where the code spilled it wider than
  // its type (a 32-bit value zero-extended in a 64-bit register, reloaded
  // whole: fannkuch's main on x86-64), the whole slot the dataflow saw.
  for (const LiveValue &lv : site.live_values) {
    if (lv.kind != LocationKind::Indirect)
      continue;
    std::optional<int64_t> at;
    if (std::optional<int64_t> base = frameOffset(interpreter.get(returned, lv.dwarf_reg)))
      at = *base + lv.offset;
    else if (lv.dwarf_reg == site.frame.cfa_reg)
      at = lv.offset - site.frame.cfa_offset;
    if (!at)
      continue;
    auto slot = returned.slots.find(*at);
    describe(*at, slot == returned.slots.end() ? lv.size : std::max<unsigned>(lv.size, slot->second.size));
  }
  for (const KnownValue &known : site.known_values)
    if (!known.in_register)
      describe(known.cfa_offset, known.size);
  for (const SavedRegister &saved : site.frame.saved)
    if (saved.rule == SavedRegister::Rule::AtCfaOffset)
      describe(saved.value, std::max(8u, callee_saved_bytes(isa, saved.dwarf_reg)));
  for (const auto &[offset, slot] : returned.slots)
    if (isEntryValue(slot.value))
      describe(offset, slot.size);
  for (auto it = live.bytes.begin(); it != live.bytes.end(); ++it) {
    if (*it >= 0 || described.count(*it))
      continue; // the caller's frame, or described
    int64_t first = *it;
    while (std::next(it) != live.bytes.end() && *std::next(it) == *it + 1 &&
           !described.count(*std::next(it)))
      ++it;
    return refusal(fmt::format("the frame's bytes at CFA{}..CFA{}", first, *it));
  }
  return std::nullopt;
}

} // namespace

std::vector<std::string> trace_values(const Disassembler &code, const Function &function,
                                      std::span<CallSite *const> sites) {
  std::vector<std::string> undescribed;
  if (sites.empty())
    return undescribed;
  Interpreter interpreter(code);
  uint64_t lastRecord = 0;
  for (const CallSite *site : sites)
    lastRecord = std::max(lastRecord, site->record_address);
  Dataflow flow(code, function, lastRecord + 1, interpreter);
  for (CallSite *site : sites) {
    std::optional<State> returnedState = flow.returned_to(site->return_address, code, interpreter);
    const State *returned = returnedState ? &*returnedState : nullptr;
    if (site->record_address != site->return_address) {
      auto replay = flow.between(site->return_address, site->record_address);
      if (!replay)
        fail("call site {:#x}: cannot decode the code of {} between the return address {:#x} "
             "and the stackmap point {:#x}",
             site->id, function.name.empty() ? "its function" : function.name,
             site->return_address, site->record_address);
      // Where the dataflow could not follow the function, the replay
      // knows only the frame rule.
      moveToReturnAddress(interpreter, code.isa(), *site, returned ? *returned : State{},
                          replay->first, replay->second);
    }
    site->known_values.clear();
    if (returned) {
      findKnownValues(interpreter, code.isa(), *site, *returned);
      if (auto refusal = undescribedAtReturn(interpreter, code.isa(), *site, *returned,
                                             flow.live_at(site->return_address, code, interpreter)))
        undescribed.push_back(*refusal);
    }
  }
  return undescribed;
}

} // namespace xisa::meta
