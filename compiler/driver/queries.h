// Answers to what build systems ask a compiler without compiling:
// --version, -v, -dumpmachine, -print-file-name=, ...
#pragma once
#include "driver/options.h"
#include "link/toolchain.h"

#include <cstdio>

namespace xisa::driver {

void print_version(const link::Toolchain &tc, std::FILE *out);
// Prints the answer to opts.query on stdout; returns the exit code.
int answer_query(const link::Toolchain &tc, const Options &opts);

} // namespace xisa::driver
