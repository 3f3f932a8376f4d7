// The per-ISA clang-19 compiles, and packing their objects into one host
// object (design.md: foreign objects ride in .xisa.obj.<isa> sections).
#pragma once
#include "driver/options.h"
#include "link/subprocess.h"
#include "link/temp_dir.h"
#include "link/toolchain.h"

#include <string>

namespace xisa::driver {

// clang-19 for `isa` with the code-generation rules of design.md, the user's
// flags, and `action` ("-c", "-S", "-E") on `source` into `output` ("" =
// stdout).
link::Command clang_command(const link::Toolchain &tc, const Options &opts, Isa isa,
                            const std::string &action, const std::string &source,
                            const std::string &output);

// Compiles `source` for the host ISA and every target, writing the host
// object with the others embedded to `output`. Dependency flags go to the
// host compile only, with the target and file named after `output`.
void compile_fat_object(const link::Toolchain &tc, const Options &opts, const std::string &source,
                        const std::string &output, const link::TempDir &tmp);

} // namespace xisa::driver
