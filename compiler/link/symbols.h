// The symbols of a linked executable that the layout must agree on:
// functions, data and TLS variables, global and local.
#pragma once
#include "support/isa.h"

#include <cstdint>
#include <string>
#include <vector>

namespace xisa::link {

struct ExecutableSymbol {
  // Unique within the executable and the same on every ISA: globals by name;
  // locals by "file::name", with "#n" for the n-th repeat (static variables
  // of one name in objects without STT_FILE).
  std::string key;
  uint64_t address = 0; // st_value (offset in the TLS segment for TLS)
  uint64_t size = 0;
  bool tls = false;
};

struct ExecutableSymbols {
  Isa isa;
  std::vector<ExecutableSymbol> symbols;
};

// Throws if `path` is not an ELF executable of one of the three ISAs.
ExecutableSymbols read_executable_symbols(const std::string &path);

} // namespace xisa::link
