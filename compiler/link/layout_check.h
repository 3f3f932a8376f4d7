// `xisa layout check`: do the executables of one program put every symbol
// they share at the same address?
#pragma once
#include "link/symbols.h"

#include <map>
#include <string>
#include <vector>

namespace xisa::link {

struct SymbolDifference {
  std::string symbol;
  std::map<Isa, uint64_t> address; // the ISAs that have it
};

struct LayoutReport {
  std::vector<Isa> isas;
  size_t shared = 0; // symbols present on at least two ISAs
  std::vector<SymbolDifference> differences;
  bool aligned() const { return differences.empty(); }
};

LayoutReport compare_layouts(const std::vector<ExecutableSymbols> &executables);

// The executables PROG.<isa> that exist (at least two, else it throws).
std::vector<std::string> program_executables(const std::string &program);

} // namespace xisa::link
