#include "link/layout_check.h"

#include "support/error.h"

#include <filesystem>

namespace xisa::link {

LayoutReport compare_layouts(const std::vector<ExecutableSymbols> &executables) {
  LayoutReport report;
  std::map<std::string, std::map<Isa, uint64_t>> by_key;
  std::vector<std::string> order;
  for (const ExecutableSymbols &exe : executables) {
    report.isas.push_back(exe.isa);
    for (const ExecutableSymbol &sym : exe.symbols) {
      auto &addresses = by_key[sym.key];
      if (addresses.empty())
        order.push_back(sym.key);
      addresses[exe.isa] = sym.address;
    }
  }
  for (const std::string &key : order) {
    const auto &addresses = by_key[key];
    if (addresses.size() < 2)
      continue;
    ++report.shared;
    uint64_t first = addresses.begin()->second;
    for (const auto &[isa, address] : addresses)
      if (address != first) {
        report.differences.push_back({key, addresses});
        break;
      }
  }
  return report;
}

std::vector<std::string> program_executables(const std::string &program) {
  std::vector<std::string> paths;
  for (Isa isa : kAllIsas) {
    std::string path = program + "." + std::string(name(isa));
    if (std::filesystem::exists(path))
      paths.push_back(path);
  }
  if (paths.size() < 2)
    fail("{}: found {} of {}.{{{}}}; a layout check needs at least two (build with xisa-cc)",
         program, paths.size(), program, isa_names());
  return paths;
}

} // namespace xisa::link
