#include "driver/compile.h"

#include "driver/unmerge.h"
#include "link/fat_object.h"
#include "support/error.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace xisa::driver {

link::Command clang_command(const link::Toolchain &tc, const Options &opts, Isa isa,
                            const std::string &action, const std::string &source,
                            const std::string &output) {
  link::Command cmd = {tc.clang(),
                       "--target=" + std::string(info(isa).triple),
                       "-nostdinc",
                       "-isystem",
                       tc.resource_include,
                       "-isystem",
                       link::Toolchain::musl_include(isa),
                       "-fno-pic",
                       "-fno-pie"};
  if (tc.pass_plugin)
    cmd.push_back("-fpass-plugin=" + *tc.pass_plugin);
  cmd.insert(cmd.end(), opts.compile_flags.begin(), opts.compile_flags.end());
  // After the user's flags, so that they always hold.
  cmd.insert(cmd.end(), {"-ffunction-sections", "-fdata-sections", "-fno-omit-frame-pointer",
                         "-fno-common"});
  cmd.push_back(action);
  if (source == "-")
    cmd.insert(cmd.end(), {"-x", "c"});
  cmd.push_back(source);
  if (!output.empty())
    cmd.insert(cmd.end(), {"-o", output});
  return cmd;
}

// gcc's rule for -MD without -MF: the output's name with .d for its suffix.
static std::string dep_file_for(const std::string &output) {
  fs::path p(output);
  return p.replace_extension(".d").string();
}

void compile_fat_object(const link::Toolchain &tc, const Options &opts, const std::string &source,
                        const std::string &output, const link::TempDir &tmp) {
  Isa host = host_isa();
  std::string stem = fs::path(output).filename().string();
  std::vector<link::Command> commands;
  std::vector<std::pair<Isa, std::string>> foreign;
  std::string host_obj = tmp.file(std::string(name(host)) + "/" + stem);
  link::Command host_cmd = clang_command(tc, opts, host, "-c", source, host_obj);
  if (!opts.dep_flags.empty()) {
    host_cmd.insert(host_cmd.end(), opts.dep_flags.begin(), opts.dep_flags.end());
    if (opts.wants_deps && !opts.has_dep_file)
      host_cmd.insert(host_cmd.end(), {"-MF", dep_file_for(output)});
    if (!opts.has_dep_target)
      host_cmd.insert(host_cmd.end(), {"-MT", output});
  }
  commands.push_back(host_cmd);
  for (Isa isa : opts.targets) {
    if (isa == host)
      continue;
    std::string obj = tmp.file(std::string(name(isa)) + "/" + stem);
    commands.push_back(clang_command(tc, opts, isa, "-c", source, obj));
    foreign.emplace_back(isa, obj);
  }
  std::vector<int> codes = link::run_parallel(commands, opts.verbose);
  for (size_t i = 0; i < codes.size(); ++i)
    if (codes[i] != 0)
      fail("compiling {} for {} failed (clang exit {})", source,
           i == 0 ? name(host) : name(foreign[i - 1].first), codes[i]);

  std::string targets;
  for (Isa isa : opts.targets)
    targets += (targets.empty() ? "" : " ") + std::string(name(isa));
  std::string targets_file = tmp.write("targets/" + stem, targets);
  std::vector<link::Command> unmerge;
  for (const auto &[isa, obj] : foreign)
    if (std::vector<std::string> args = unmerge_args(obj); !args.empty()) {
      link::Command cmd = {tc.objcopy()};
      cmd.insert(cmd.end(), args.begin(), args.end());
      cmd.push_back(obj);
      unmerge.push_back(std::move(cmd));
    }
  codes = link::run_parallel(unmerge, opts.verbose);
  for (size_t i = 0; i < codes.size(); ++i)
    if (codes[i] != 0)
      fail("{} failed (exit {}): {}", tc.objcopy(), codes[i], link::command_text(unmerge[i]));

  link::Command pack = {tc.objcopy(),
                        std::string("--add-section=") + link::kTargetsSection + "=" + targets_file,
                        std::string("--set-section-flags=") + link::kTargetsSection +
                            "=exclude,readonly"};
  for (const auto &[isa, obj] : foreign) {
    std::string section = link::embedded_section(isa);
    pack.push_back("--add-section=" + section + "=" + obj);
    pack.push_back("--set-section-flags=" + section + "=exclude,readonly");
  }
  std::vector<std::string> host_unmerge = unmerge_args(host_obj);
  pack.insert(pack.end(), host_unmerge.begin(), host_unmerge.end());
  pack.insert(pack.end(), {host_obj, output});
  link::run_checked(pack, opts.verbose);
}

} // namespace xisa::driver
