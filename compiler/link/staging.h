// Turning the link's inputs into per-ISA files: fat objects and archives are
// unpacked, -l names resolved, and the system files (crt, libc, libgcc, the
// xisa runtime) added. Each file gets a logical name that is the same on
// every ISA, so the layout step can match input sections across ISAs.
#pragma once
#include "link/linker.h"
#include "link/temp_dir.h"

#include <map>
#include <string>
#include <vector>

namespace xisa::link {

struct StagedLink {
  // The linker's input arguments per ISA, in link order.
  std::map<Isa, std::vector<std::string>> args;
  // Path of each file given to a linker -> its ISA-independent name.
  std::map<std::string, std::string> logical_name;
  // The runtime defines __wrap_pthread_create (main needs no wrap: the pass
  // renames the program's main to __real_main and the runtime defines main).
  bool runtime_wraps = false;
};

StagedLink stage_inputs(const Toolchain &tc, const LinkRequest &request, const TempDir &tmp);

} // namespace xisa::link
