#include "driver/queries.h"

#include "link/subprocess.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace xisa::driver {

void print_version(const link::Toolchain &tc, std::FILE *out) {
  std::fprintf(out, "xisa-cc 0.1 (clang 19, musl, static) for %s\n", isa_names().c_str());
  std::fprintf(out, "Target: %s\n", std::string(info(host_isa()).triple).c_str());
  std::fprintf(out, "pass plugin: %s\n", tc.pass_plugin ? tc.pass_plugin->c_str() : "(not built)");
}

// Where a host-ISA library file lives, as gcc -print-file-name answers.
static std::string find_file(const std::string &file) {
  for (const std::string &dir : {link::Toolchain::musl_lib(host_isa()),
                                 fs::path(link::Toolchain::libgcc(host_isa())).parent_path().string()})
    if (fs::exists(dir + "/" + file))
      return dir + "/" + file;
  return file;
}

int answer_query(const link::Toolchain &tc, const Options &opts) {
  std::string answer;
  switch (opts.query) {
  case Query::None:
    return 0;
  case Query::Version:
    print_version(tc, stdout);
    return 0;
  case Query::DumpMachine:
    answer = info(host_isa()).triple;
    break;
  case Query::DumpVersion:
    answer = "19";
    break;
  case Query::PrintFileName:
    answer = find_file(opts.query_arg);
    break;
  case Query::PrintProgName:
    answer = opts.query_arg == "ld" || opts.query_arg == "ld.lld" ? tc.lld()
             : opts.query_arg == "objcopy"                       ? tc.objcopy()
                                                                 : opts.query_arg;
    break;
  case Query::PrintLibgcc:
    answer = link::Toolchain::libgcc(host_isa());
    break;
  case Query::PrintSearchDirs:
    answer = "install: " + tc.xisa_lib + "/\nprograms: =" + tc.llvm_bin +
             "\nlibraries: =" + link::Toolchain::musl_lib(host_isa());
    break;
  case Query::PrintMultiarch:
  case Query::PrintSysroot:
    break;
  }
  std::printf("%s\n", answer.c_str());
  return 0;
}

} // namespace xisa::driver
