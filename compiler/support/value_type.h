// The IR type of a live value, as XisaPass records it next to the value in
// each stackmap record (design.md, "Migration metadata"). Stackmap locations
// only give the size of the register or slot holding a value, which differs
// between ISAs (an i8 in an 8-byte ppc64 register, a double in a 16-byte
// xmm); the type is what the ISAs agree on, and what tells a transformer how
// many bytes are the value. Header-only: the pass plugin links no xisa code.
#pragma once
#include <cstdint>
#include <string>

namespace xisa {

// A Vector is a 128-bit vector of numbers, recorded whole (CallSiteRecords):
// its bytes in memory order, which the three ISAs agree on.
enum class ValueClass : uint8_t { Integer = 0, Float = 1, Pointer = 2, Vector = 3 };

struct ValueType {
  ValueClass value_class = ValueClass::Integer;
  uint16_t bits = 0;

  friend bool operator==(const ValueType &, const ValueType &) = default;
};

// The record's constant operand: class in bits 16..23, width in bits 0..15.
inline constexpr uint64_t encode_value_type(ValueType type) {
  return uint64_t(type.value_class) << 16 | type.bits;
}

inline constexpr bool decode_value_type(uint64_t code, ValueType &type) {
  uint64_t value_class = code >> 16;
  if (value_class > uint64_t(ValueClass::Vector) || (code & 0xffff) == 0)
    return false;
  type = {ValueClass(value_class), uint16_t(code & 0xffff)};
  return true;
}

// "i32", "f64", "p64", "v128": how messages and dumps name a type.
inline std::string value_type_name(ValueType type) {
  const char *prefix = type.value_class == ValueClass::Integer   ? "i"
                       : type.value_class == ValueClass::Float   ? "f"
                       : type.value_class == ValueClass::Pointer ? "p"
                                                                 : "v";
  return prefix + std::to_string(type.bits);
}

} // namespace xisa
