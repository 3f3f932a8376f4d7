// `xisa meta check`: do the three executables of one link agree on the
// migration metadata the transformer relies on?
#pragma once
#include "meta/metadata.h"

#include <string>
#include <vector>

namespace xisa::meta {

// Whether live values of `a` and `b` bytes can be the same IR value on two
// ISAs: equal sizes, or both at most 4 bytes (x86-64 keeps i1/i8/i16 values
// in byte or word registers, AArch64 and ppc64 in 32-bit ones; the low bytes
// carry the value, so consumers copy min(a, b) bytes).
bool same_value_size(uint16_t a, uint16_t b);

// Every difference between the executables, one line each (empty: they
// agree). `executables` holds one Metadata per ISA.
std::vector<std::string> compare(const std::vector<Metadata> &executables);

} // namespace xisa::meta
