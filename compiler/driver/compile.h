// The per-ISA compiles and packing their objects into one host object
// (design.md: foreign objects ride in .xisa.obj.<isa> sections). A compile
// is three steps: clang's front end per ISA, one middle end for all ISAs
// (xisa-opt: the same optimizations everywhere, then XisaPass), clang's
// code generation per ISA.
#pragma once
#include "driver/options.h"
#include "link/subprocess.h"
#include "link/temp_dir.h"
#include "link/toolchain.h"

#include <string>

namespace xisa::driver {

// clang-19 for `isa` with the code-generation rules of design.md, the user's
// flags, and `action` on `source` into `output` ("" = stdout): "-E",
// "-emit-llvm" (the front end), or "-c"/"-S" (code generation of bitcode).
link::Command clang_command(const link::Toolchain &tc, const Options &opts, Isa isa,
                            const std::string &action, const std::string &source,
                            const std::string &output);

// Compiles `source` for every ISA in `isas` (the first one gets the
// dependency flags) through the three steps; `action` ("-c" or "-S") is the
// code generation's, into `outputs[i]` for `isas[i]`.
void compile(const link::Toolchain &tc, const Options &opts, const std::string &source,
             const std::vector<Isa> &isas, const std::string &action,
             const std::vector<std::string> &outputs, const link::TempDir &tmp);

// Compiles `source` for the host ISA and every target, writing the host
// object with the others embedded to `output`. Dependency flags go to the
// host compile only, with the target and file named after `output`.
void compile_fat_object(const link::Toolchain &tc, const Options &opts, const std::string &source,
                        const std::string &output, const link::TempDir &tmp);

} // namespace xisa::driver
