// `xisa meta dump EXE` and `xisa meta check PROG`.
#include "cli/commands.h"
#include "meta/meta_check.h"
#include "meta/meta_json.h"
#include "meta/metadata.h"
#include "support/error.h"

#include <fmt/format.h>

#include <iostream>

namespace xisa::cli {

namespace {

using namespace xisa::meta;

std::string location(const LiveValue &value) {
  switch (value.kind) {
  case LocationKind::Register: return fmt::format("r{}:{}", value.dwarf_reg, value.size);
  case LocationKind::Direct: return fmt::format("r{}{:+}:{}", value.dwarf_reg, value.offset, value.size);
  case LocationKind::Indirect:
    return fmt::format("[r{}{:+}]:{}", value.dwarf_reg, value.offset, value.size);
  case LocationKind::Constant: return fmt::format("#{}:{}", value.constant, value.size);
  }
  return "?";
}

std::string frameText(const FrameRule &rule) {
  std::string out = fmt::format("cfa r{}{:+}", rule.cfa_reg, rule.cfa_offset);
  for (const SavedRegister &reg : rule.saved)
    out += reg.rule == SavedRegister::Rule::AtCfaOffset
               ? fmt::format(" r{}@cfa{:+}", reg.dwarf_reg, reg.value)
               : fmt::format(" r{}=r{}", reg.dwarf_reg, reg.value);
  return out;
}

void printText(const Metadata &meta) {
  fmt::print("{}: {}\n", meta.path, name(meta.isa));
  if (meta.info) {
    std::string id;
    for (uint8_t b : meta.info->build_id)
      id += fmt::format("{:02x}", b);
    fmt::print("build id {}\ntls address {:#x} file size {} memory size {} align {} "
               "tp convention {} tp offset {}\n",
               id, meta.info->tls_address, meta.info->tls_file_size, meta.info->tls_mem_size,
               meta.info->tls_align, static_cast<uint32_t>(meta.info->tp_convention),
               meta.info->tp_offset);
    for (const NonMigratable &entry : meta.info->nonmig)
      fmt::print("non-migratable (link): {} ({})\n", entry.function, entry.reason);
  } else {
    fmt::print("no .xisa.info (not linked by xisa-cc)\n");
  }
  for (const NonMigratable &entry : meta.nonmig)
    fmt::print("non-migratable: {} ({})\n", entry.function, entry.reason);
  fmt::print("{} functions, {} call sites\n", meta.functions.size(), meta.call_sites.size());
  for (uint32_t f = 0; f < meta.functions.size(); ++f) {
    const Function &function = meta.functions[f];
    fmt::print("function {} at {:#x} size {} native frame {}\n", function.name, function.address,
               function.size, function.stack_size);
    for (const CallSite &site : meta.call_sites) {
      if (site.function != f)
        continue;
      std::string values;
      for (const LiveValue &value : site.live_values)
        values += fmt::format(" {}={}", value_type_name(value.type), location(value));
      std::string known;
      for (const KnownValue &value : site.known_values)
        known += " " + known_value_text(value);
      fmt::print("  site {:#018x} return {:#x} (record +{}) live{} | known{} | {}\n", site.id,
                 site.return_address, site.record_address - site.return_address,
                 values.empty() ? " none" : values, known.empty() ? " none" : known,
                 frameText(site.frame));
    }
  }
}

void dump(const std::string &path, bool json) {
  Metadata meta = read(path);
  if (json)
    std::cout << to_json(meta).dump(2) << "\n";
  else
    printText(meta);
}

// Call sites whose code keeps something across the call that nothing
// describes are warnings, errors with `strict` (loop strength reduction
// makes them; a few remain without it, bench/toolchain/NOTES.md item 16).
void check(const std::string &prog, bool json, bool strict) {
  std::vector<Metadata> all;
  std::vector<std::string> undescribed;
  for (Isa isa : kAllIsas) {
    all.push_back(read(fmt::format("{}.{}", prog, name(isa))));
    undescribed.insert(undescribed.end(), all.back().undescribed.begin(),
                       all.back().undescribed.end());
  }
  std::vector<std::string> differences = compare(all);
  size_t sites = all.front().call_sites.size();
  if (json) {
    nlohmann::json out = {{"ok", differences.empty() && (!strict || undescribed.empty())},
                          {"call_sites", sites},
                          {"differences", differences},
                          {"undescribed", undescribed}};
    std::cout << out.dump(2) << "\n";
  } else {
    for (const std::string &line : undescribed)
      fmt::print(stderr, "{}: {}\n", strict ? "error" : "warning", line);
    for (const std::string &line : differences)
      fmt::print("{}\n", line);
    if (differences.empty())
      fmt::print("{}: {} call sites agree on {}\n", prog, sites, isa_names());
  }
  if (strict && !undescribed.empty())
    fail("{}: {} call sites keep values across their calls that nothing describes (listed "
         "above): a migration there would be wrong",
         prog, undescribed.size());
  if (!differences.empty())
    fail("{}: the executables of {} disagree in {} places (listed above); rebuild all three with "
         "the same xisa-cc",
         prog, isa_names(), differences.size());
}

} // namespace

void add_meta_commands(CLI::App &app) {
  CLI::App *meta = app.add_subcommand("meta", "Inspect migration metadata of xisa executables");
  meta->require_subcommand(1);

  CLI::App *dumpCommand = meta->add_subcommand("dump", "Print call sites, frames and link facts");
  static std::string dumpPath;
  static bool dumpJson = false;
  dumpCommand->add_option("EXE", dumpPath, "one ISA's executable, e.g. prog.aarch64")->required();
  dumpCommand->add_flag("--json", dumpJson, "print JSON");
  dumpCommand->callback([] { dump(dumpPath, dumpJson); });

  CLI::App *checkCommand =
      meta->add_subcommand("check", "Check that PROG.x86_64, PROG.aarch64, PROG.ppc64le agree");
  static std::string checkProg;
  static bool checkJson = false, checkStrict = false;
  checkCommand->add_option("PROG", checkProg, "program name without the .<isa> suffix")
      ->required();
  checkCommand->add_flag("--json", checkJson, "print JSON");
  checkCommand->add_flag("--strict", checkStrict,
                         "fail on call sites whose code keeps values across the call that "
                         "neither live nor known values describe");
  checkCommand->callback([] { check(checkProg, checkJson, checkStrict); });
}

} // namespace xisa::cli
