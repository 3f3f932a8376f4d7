// Taking apart what `xisa-cc -c` made: host objects carrying the other ISAs'
// objects in .xisa.obj.<isa> sections, and `ar` archives of them.
#pragma once
#include "support/isa.h"

#include <string>

namespace xisa::link {

// Name of the section that carries `isa`'s object inside a host object.
std::string embedded_section(Isa isa);
// Section listing the ISAs an object was built for ("x86_64 aarch64"), in
// every xisa-cc object, also one built for the host alone.
inline constexpr const char *kTargetsSection = ".xisa.targets";

// Writes `isa`'s object of the fat object `path` to `out`. Throws if `path`
// is no xisa-cc object or lacks `isa` (built with fewer --xisa-targets).
void unpack_object(const std::string &path, Isa isa, const std::string &out);

// Writes an archive of `isa`'s objects of every member of the fat archive
// `path` to `out`, members keeping their names and order.
void unpack_archive(const std::string &path, Isa isa, const std::string &out);

// True if `path` is an archive whose members are xisa-cc objects (false for
// a plain host archive).
bool is_fat_archive(const std::string &path);

} // namespace xisa::link
