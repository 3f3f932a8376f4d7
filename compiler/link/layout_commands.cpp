// `xisa layout check PROG [--json]`: exit 0 only if every symbol that
// PROG.x86_64, PROG.aarch64 and PROG.ppc64le share sits at one address.
#include "cli/commands.h"
#include "link/layout_check.h"

#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace xisa::cli {

namespace {

struct CheckArgs {
  std::string program;
  bool json = false;
};

nlohmann::json to_json(const link::LayoutReport &report, const std::vector<std::string> &files) {
  nlohmann::json out;
  out["aligned"] = report.aligned();
  out["executables"] = files;
  out["shared_symbols"] = report.shared;
  out["differences"] = nlohmann::json::array();
  for (const link::SymbolDifference &d : report.differences) {
    nlohmann::json addresses;
    for (const auto &[isa, address] : d.address)
      addresses[std::string(name(isa))] = fmt::format("{:#x}", address);
    out["differences"].push_back({{"symbol", d.symbol}, {"address", addresses}});
  }
  return out;
}

void print_text(const link::LayoutReport &report, const std::vector<std::string> &files) {
  std::string isas;
  for (Isa isa : report.isas)
    isas += (isas.empty() ? "" : ", ") + std::string(name(isa));
  if (report.aligned()) {
    std::printf("layout aligned: %zu shared symbols at one address on %s\n", report.shared,
                isas.c_str());
    return;
  }
  std::printf("layout NOT aligned: %zu of %zu shared symbols differ (%zu executables: %s)\n",
              report.differences.size(), report.shared, files.size(), isas.c_str());
  for (const link::SymbolDifference &d : report.differences) {
    std::string line = "  " + d.symbol;
    for (const auto &[isa, address] : d.address)
      line += fmt::format("  {}={:#x}", name(isa), address);
    std::printf("%s\n", line.c_str());
  }
}

} // namespace

void add_layout_commands(CLI::App &app) {
  CLI::App *layout = app.add_subcommand("layout", "inspect the cross-ISA layout of a program");
  layout->require_subcommand(1);
  auto args = std::make_shared<CheckArgs>();
  CLI::App *check = layout->add_subcommand(
      "check", "exit 0 only if PROG.<isa> put every shared symbol at one address");
  check->add_option("PROG", args->program, "program built by xisa-cc (without the .<isa> suffix)")
      ->required();
  check->add_flag("--json", args->json, "print the report as JSON");
  check->callback([args] {
    std::vector<std::string> files = link::program_executables(args->program);
    std::vector<link::ExecutableSymbols> exes;
    for (const std::string &file : files)
      exes.push_back(link::read_executable_symbols(file));
    link::LayoutReport report = link::compare_layouts(exes);
    if (args->json)
      std::printf("%s\n", to_json(report, files).dump(2).c_str());
    else
      print_text(report, files);
    if (!report.aligned())
      throw CLI::RuntimeError(1);
  });
}

} // namespace xisa::cli
