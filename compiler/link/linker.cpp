#include "link/linker.h"

#include "link/staging.h"
#include "link/subprocess.h"
#include "link/temp_dir.h"
#include "support/error.h"

#include <filesystem>

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

static Command lld_command(const Toolchain &tc, const LinkRequest &request,
                           const StagedLink &staged, Isa isa, const std::string &output) {
  Command cmd = {tc.lld(), "-m", emulation(isa), "-static", "--eh-frame-hdr", "-z",
                 "max-page-size=65536", "-z", "norelro", "-o", output};
  if (staged.runtime_wraps)
    cmd.insert(cmd.end(), {"--wrap=main", "--wrap=pthread_create"});
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

void link_executables(const Toolchain &tc, const LinkRequest &request) {
  TempDir tmp("xisa-link");
  StagedLink staged = stage_inputs(tc, request, tmp);
  std::vector<Command> commands;
  for (Isa isa : request.targets)
    commands.push_back(lld_command(tc, request, staged, isa, output_for(request, isa)));
  std::vector<int> codes = run_parallel(commands, request.verbose);
  for (size_t i = 0; i < codes.size(); ++i)
    if (codes[i] != 0)
      fail("linking {} failed (ld.lld exit {})", output_for(request, request.targets[i]),
           codes[i]);
  link_plain_name(request);
}

} // namespace xisa::link
