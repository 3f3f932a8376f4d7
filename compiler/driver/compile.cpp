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
                       // Before musl's: <setjmp.h> with one jmp_buf size on
                       // every ISA (runtime/include/libc).
                       "-isystem",
                       tc.xisa_lib + "/include/libc",
                       "-isystem",
                       link::Toolchain::musl_include(isa),
                       "-isystem",
                       tc.xisa_lib + "/include", // <xisa/xisa.h>, the runtime's API
                       "-fno-pic",
                       "-fno-pie",
                       // x86's rules everywhere, so that code means the same
                       // on every ISA; before the user's flags, which win.
                       "-fsigned-char"};
  cmd.insert(cmd.end(), opts.compile_flags.begin(), opts.compile_flags.end());
  // After the user's flags, so that they always hold. The transformer
  // walks the frame-pointer chain from a parked thread's migration point;
  // a function without calls is never on that chain, so it sets up no
  // frame pointer: clang's default on aarch64, now on x86_64 too (Lua ran
  // 1.2 % fewer instructions: rbp is free for such functions' values).
  cmd.insert(cmd.end(), {"-ffunction-sections", "-fdata-sections", "-fno-omit-frame-pointer",
                         "-momit-leaf-frame-pointer", "-fno-common"});
  if (action == "-emit-llvm")
    // The front end only: xisa-opt optimizes.
    cmd.insert(cmd.end(), {"-emit-llvm", "-c", "-Xclang", "-disable-llvm-passes"});
  else if (action == "-E")
    cmd.push_back(action);
  else {
    // Code generation of xisa-opt's output: clang must not optimize again,
    // or the target's cost model would undo the agreement between ISAs.
    // Nor strength-reduce loops: LSR keeps values of its own across calls
    // that no record or known value describes (with it on, a third of the
    // cross-ISA hop tests failed, bench/toolchain/NOTES.md item 14): a
    // pointer stepping 4 times the recorded index, a recorded value kept
    // as the difference of two such places, a 32-bit count beside its
    // recorded copy.
    cmd.insert(cmd.end(), {action, "-Xclang", "-disable-llvm-passes", "-mllvm", "-disable-lsr",
                           "-Wno-unused-command-line-argument"});
    // ppc64's own loop passes make induction variables too: a loop that
    // polls calls, so a CTR loop's trip count moves to a callee-saved
    // register (a count-down from a division of recorded values), and
    // instruction-form preparation steps pointers beside the recorded
    // index (fannkuch's perm + 4*i); neither can be rebuilt in a frame.
    // And ppc64 pools a function's string literals into one private array,
    // so a literal a pointer in data refers to (a TLS initializer's) sat
    // elsewhere than on the other ISAs and read as another string.
    // And a vector's elements keep one order in ppc64's registers (element
    // 0 in the second doubleword, as the register images hold it in memory
    // order): swap removal would leave whole loops' vectors with their
    // doublewords exchanged, which no record tells (frames.cpp).
    if (isa == Isa::PPC64LE)
      cmd.insert(cmd.end(), {"-mllvm", "-disable-ppc-ctrloops", "-mllvm",
                             "-disable-ppc-instr-form-prep", "-mllvm",
                             "-ppc-merge-string-pool=false", "-mllvm",
                             "-disable-ppc-vsx-swap-removal"});
  }
  if (source == "-")
    cmd.insert(cmd.end(), {"-x", "c"});
  cmd.push_back(source);
  if (!output.empty())
    cmd.insert(cmd.end(), {"-o", output});
  return cmd;
}

// The level of the last -O flag, as xisa-opt takes it (gcc: -O is -O1,
// none is -O0).
static std::string optimization_level(const Options &opts) {
  std::string level = "0";
  for (const std::string &flag : opts.compile_flags)
    if (flag.starts_with("-O"))
      level = flag.size() == 2 ? "1" : flag.substr(2);
  return level == "4" ? "3" : level;
}

static void run_all(const std::vector<link::Command> &commands, const std::vector<Isa> &isas,
                    const char *step, const std::string &source, bool verbose) {
  std::vector<int> codes = link::run_parallel(commands, verbose);
  for (size_t i = 0; i < codes.size(); ++i)
    if (codes[i] != 0)
      fail("{} {} for {} failed (exit {})", step, source, name(isas[i]), codes[i]);
}

void compile(const link::Toolchain &tc, const Options &opts, const std::string &source,
             const std::vector<Isa> &isas, const std::string &action,
             const std::vector<std::string> &outputs, const link::TempDir &tmp) {
  if (!tc.pass_plugin || !tc.optimizer)
    fail("{}/XisaPass.so or {}/xisa-opt is missing: build the XisaPass and xisa-opt targets",
         tc.xisa_lib, tc.xisa_lib);
  std::string stem = fs::path(outputs.front()).filename().string();
  std::vector<link::Command> frontends, codegens;
  link::Command middle = {*tc.optimizer, "--plugin", *tc.pass_plugin, "-O",
                          optimization_level(opts)};
  for (size_t i = 0; i < isas.size(); ++i) {
    std::string dir = std::string(name(isas[i])) + "/";
    std::string raw = tmp.file(dir + stem + ".bc"), optimized = tmp.file(dir + stem + ".opt.bc");
    frontends.push_back(clang_command(tc, opts, isas[i], "-emit-llvm", source, raw));
    middle.insert(middle.end(), {raw, optimized});
    codegens.push_back(clang_command(tc, opts, isas[i], action, optimized, outputs[i]));
  }
  if (!opts.dep_flags.empty()) {
    link::Command &first = frontends.front();
    first.insert(first.end(), opts.dep_flags.begin(), opts.dep_flags.end());
  }
  run_all(frontends, isas, "compiling", source, opts.verbose);
  link::run_checked(middle, opts.verbose);
  run_all(codegens, isas, "generating code of", source, opts.verbose);
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
  // The host's object first; the others (the foreign ones) are embedded in it.
  std::vector<Isa> isas = {host};
  for (Isa isa : opts.targets)
    if (isa != host)
      isas.push_back(isa);
  std::vector<std::string> objects;
  for (Isa isa : isas)
    objects.push_back(tmp.file(std::string(name(isa)) + "/" + stem));
  Options host_deps = opts;
  if (opts.wants_deps && !opts.has_dep_file)
    host_deps.dep_flags.insert(host_deps.dep_flags.end(), {"-MF", dep_file_for(output)});
  if (!opts.dep_flags.empty() && !opts.has_dep_target)
    host_deps.dep_flags.insert(host_deps.dep_flags.end(), {"-MT", output});
  compile(tc, host_deps, source, isas, "-c", objects, tmp);
  const std::string &host_obj = objects.front();

  std::string targets;
  for (Isa isa : opts.targets)
    targets += (targets.empty() ? "" : " ") + std::string(name(isa));
  std::string targets_file = tmp.write("targets/" + stem, targets);
  std::vector<link::Command> unmerge;
  for (size_t i = 1; i < objects.size(); ++i)
    if (std::vector<std::string> args = unmerge_args(objects[i]); !args.empty()) {
      link::Command cmd = {tc.objcopy()};
      cmd.insert(cmd.end(), args.begin(), args.end());
      cmd.push_back(objects[i]);
      unmerge.push_back(std::move(cmd));
    }
  std::vector<int> codes = link::run_parallel(unmerge, opts.verbose);
  for (size_t i = 0; i < codes.size(); ++i)
    if (codes[i] != 0)
      fail("{} failed (exit {}): {}", tc.objcopy(), codes[i], link::command_text(unmerge[i]));

  link::Command pack = {tc.objcopy(),
                        std::string("--add-section=") + link::kTargetsSection + "=" + targets_file,
                        std::string("--set-section-flags=") + link::kTargetsSection +
                            "=exclude,readonly"};
  for (size_t i = 1; i < isas.size(); ++i) {
    std::string section = link::embedded_section(isas[i]);
    pack.push_back("--add-section=" + section + "=" + objects[i]);
    pack.push_back("--set-section-flags=" + section + "=exclude,readonly");
  }
  std::vector<std::string> host_unmerge = unmerge_args(host_obj);
  pack.insert(pack.end(), host_unmerge.begin(), host_unmerge.end());
  pack.insert(pack.end(), {host_obj, output});
  link::run_checked(pack, opts.verbose);
}

} // namespace xisa::driver
