// The linker script for one ISA's link: the output sections of
// output_sections.h, and in the aligned link every input section at its slot.
#pragma once
#include "link/layout.h"

#include <map>
#include <string>

namespace xisa::link {

// `layout` is null for the first link (natural placement, to measure).
// `path_of` maps logical file names to the paths this ISA's linker was given.
std::string linker_script(const Layout *layout, Isa isa,
                          const std::map<std::string, std::string> &path_of);

} // namespace xisa::link
