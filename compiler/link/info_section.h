// `.xisa.info` for the executables of one link (format: meta/xisa_info.h):
// a build id shared by them, the ISA, the TLS layout and the program's
// non-migratable functions (from the pass's `.xisa.nonmig` records).
#pragma once
#include "link/temp_dir.h"
#include "link/toolchain.h"

#include <map>
#include <string>

namespace xisa::link {

void add_info_sections(const Toolchain &tc, const std::map<Isa, std::string> &executables,
                       const TempDir &tmp, bool verbose);

} // namespace xisa::link
