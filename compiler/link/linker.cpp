#include "link/linker.h"

#include "link/call_site_table.h"
#include "link/header_room.h"
#include "link/info_section.h"
#include "link/layout.h"
#include "link/layout_check.h"
#include "link/linker_script.h"
#include "link/staging.h"
#include "link/subprocess.h"
#include "link/temp_dir.h"
#include "support/error.h"

#include <cstdio>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace xisa::link {

static std::string emulation(Isa isa) {
  switch (isa) {
  case Isa::X86_64:
    return "elf_x86_64";
  case Isa::AArch64:
    return "aarch64linux";
  case Isa::PPC64LE:
    return "elf64lppc";
  }
  return "";
}

static std::string output_for(const LinkRequest &request, Isa isa) {
  return request.output + "." + std::string(name(isa));
}

// `wrap`: route pthread_create through the runtime's wrapper.
static Command lld_command(const Toolchain &tc, const LinkRequest &request,
                           const StagedLink &staged, bool wrap, Isa isa,
                           const std::string &script, const std::string &output) {
  Command cmd = {tc.lld(), "-m", emulation(isa), "-static", "--eh-frame-hdr", "-z",
                 "max-page-size=65536", "-z", "norelro", "-T", script, "-o", output};
  // musl's pthread_create is weak, so lld's reference to the wrapper is
  // weak too and would not pull it from the runtime archive: -u does.
  if (wrap)
    cmd.insert(cmd.end(), {"--wrap=pthread_create", "-u", "__wrap_pthread_create"});
  for (const std::string &dir : request.lib_dirs)
    cmd.push_back("-L" + dir);
  cmd.insert(cmd.end(), request.linker_flags.begin(), request.linker_flags.end());
  const std::vector<std::string> &inputs = staged.args.at(isa);
  cmd.insert(cmd.end(), inputs.begin(), inputs.end());
  return cmd;
}

// `output` names the host ISA's executable (or the first target's) as well.
static void link_plain_name(const LinkRequest &request) {
  Isa primary = request.targets.front();
  for (Isa isa : request.targets)
    if (isa == host_isa())
      primary = isa;
  std::error_code ec;
  fs::remove(request.output, ec);
  fs::create_hard_link(output_for(request, primary), request.output, ec);
  if (ec) {
    fs::copy_file(output_for(request, primary), request.output, ec);
    if (ec)
      fail("cannot create {}: {}", request.output, ec.message());
  }
}

// Links every target with `scripts[isa]`; `map_of(isa)` ("" for none) asks
// for an lld map.
template <typename MapPath>
static void link_all(const Toolchain &tc, const LinkRequest &request, const StagedLink &staged,
                     bool wrap, const std::map<Isa, std::string> &scripts,
                     const std::map<Isa, std::string> &outputs, MapPath map_of) {
  std::vector<Command> commands;
  for (Isa isa : request.targets) {
    Command cmd = lld_command(tc, request, staged, wrap, isa, scripts.at(isa), outputs.at(isa));
    if (std::string map = map_of(isa); !map.empty())
      cmd.push_back("-Map=" + map);
    commands.push_back(std::move(cmd));
  }
  std::vector<int> codes = run_parallel(commands, request.verbose);
  for (size_t i = 0; i < codes.size(); ++i)
    if (codes[i] != 0)
      fail("linking {} for {} failed (ld.lld exit {})", request.output,
           name(request.targets[i]), codes[i]);
}

// A map with input files under their logical names, so ISAs compare.
static LinkMap logical_map(const std::string &path, const StagedLink &staged) {
  LinkMap map = read_link_map(path);
  for (MapOutputSection &section : map.sections)
    for (MapInputSection &input : section.inputs)
      if (auto it = staged.logical_name.find(input.file); it != staged.logical_name.end())
        input.file = it->second;
  return map;
}

static bool links_pthread_create(const std::map<Isa, LinkMap> &maps) {
  for (const auto &[isa, map] : maps)
    if (map.defines("pthread_create"))
      return true;
  return false;
}

// Symbols that share an input section at ISA-dependent offsets (assembly
// without a section per function) cannot be aligned by placing sections:
// warn, naming them; `xisa layout check` fails on them.
static void verify_layout(const LinkRequest &request) {
  std::vector<ExecutableSymbols> exes;
  for (Isa isa : request.targets)
    exes.push_back(read_executable_symbols(output_for(request, isa)));
  LayoutReport report = compare_layouts(exes);
  if (report.aligned())
    return;
  std::string list;
  for (size_t i = 0; i < report.differences.size() && i < 20; ++i) {
    list += "\n  " + report.differences[i].symbol;
    for (const auto &[isa, address] : report.differences[i].address)
      list += fmt::format(" {}={:#x}", name(isa), address);
  }
  std::fprintf(stderr,
               "xisa-cc: warning: %s: %zu of %zu shared symbols are at different addresses "
               "(each shares an input section with another symbol at ISA-dependent offsets; "
               "give each assembly function its own .text.<name> section):%s\n",
               request.output.c_str(), report.differences.size(), report.shared, list.c_str());
}

void link_executables(const Toolchain &tc, const LinkRequest &request) {
  TempDir tmp("xisa-link");
  StagedLink staged = stage_inputs(tc, request, tmp);
  std::map<Isa, std::map<std::string, std::string>> path_of;
  for (Isa isa : request.targets)
    for (const std::string &arg : staged.args.at(isa))
      if (auto it = staged.logical_name.find(arg); it != staged.logical_name.end())
        path_of[isa][it->second] = arg;

  // First link: natural placement, to measure every input section.
  std::map<Isa, std::string> scripts, outputs;
  for (Isa isa : request.targets) {
    scripts[isa] =
        tmp.write(std::string(name(isa)) + "/measure.ld", linker_script(nullptr, isa, path_of[isa]));
    outputs[isa] = tmp.file(std::string(name(isa)) + "/measure.out");
  }
  auto map_path = [&](Isa isa) { return tmp.file(std::string(name(isa)) + "/measure.map"); };
  std::map<Isa, LinkMap> maps;
  auto measure = [&](bool wrap) {
    link_all(tc, request, staged, wrap, scripts, outputs, map_path);
    for (Isa isa : request.targets)
      maps[isa] = logical_map(map_path(isa), staged);
  };
  // lld's --wrap always pulls in the wrapper, and with it musl's threads and
  // malloc: wrap only programs that link pthread_create (measured again
  // with the wrapper, which changes the inputs).
  measure(false);
  bool wrap = staged.runtime_wraps && links_pthread_create(maps);
  if (wrap)
    measure(true);

  // Second link: every input section at its common address, behind
  // headers as large as the first link's.
  for (Isa isa : request.targets)
    check_header_room(outputs[isa]);
  reserve_call_site_table(maps, outputs);
  Layout layout = compute_layout(maps);
  for (Isa isa : request.targets) {
    scripts[isa] =
        tmp.write(std::string(name(isa)) + "/aligned.ld", linker_script(&layout, isa, path_of[isa]));
    outputs[isa] = output_for(request, isa);
  }
  link_all(tc, request, staged, wrap, scripts, outputs, [](Isa) { return std::string(); });
  verify_layout(request);
  add_info_sections(tc, outputs, tmp, request.verbose);
  finish_metadata_sections(tc, outputs, tmp, request.verbose);
  link_plain_name(request);
}

} // namespace xisa::link
