// xisa-cc: a drop-in C compiler (CC=xisa-cc) that builds every program for
// x86_64, aarch64 and ppc64le at once. See docs/design.md.
#include "driver/compile.h"
#include "driver/options.h"
#include "driver/queries.h"
#include "link/linker.h"
#include "support/error.h"

#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;
using namespace xisa;

namespace {

std::vector<const driver::Input *> sources_of(const driver::Options &opts) {
  std::vector<const driver::Input *> sources;
  for (const driver::Input &input : opts.inputs)
    if (input.kind == driver::Input::Kind::CSource || input.kind == driver::Input::Kind::Stdin)
      sources.push_back(&input);
  return sources;
}

// Output of a -c/-S compile of `source` when there is no -o: its stem in
// the current directory.
std::string default_output(const std::string &source, const char *suffix) {
  return fs::path(source).stem().string() + suffix;
}

// -E: one host-ISA clang run per source.
void preprocess(const link::Toolchain &tc, const driver::Options &opts) {
  for (const driver::Input *source : sources_of(opts)) {
    link::Command cmd =
        driver::clang_command(tc, opts, host_isa(), "-E", source->path, opts.output.value_or(""));
    cmd.insert(cmd.end(), opts.dep_flags.begin(), opts.dep_flags.end());
    link::run_checked(cmd, opts.verbose);
  }
}

// -S: host-ISA assembly, through the same middle end as objects.
void assemble(const link::Toolchain &tc, const driver::Options &opts) {
  link::TempDir tmp("xisa-cc");
  for (const driver::Input *source : sources_of(opts)) {
    if (source->kind == driver::Input::Kind::Stdin)
      fail("-S from stdin is not supported; write the source to a file");
    std::string output = opts.output ? *opts.output : default_output(source->path, ".s");
    driver::compile(tc, opts, source->path, {host_isa()}, "-S", {output}, tmp);
  }
}

void compile_only(const link::Toolchain &tc, const driver::Options &opts) {
  auto sources = sources_of(opts);
  if (opts.output && sources.size() > 1)
    fail("-o {} with -c and {} sources: give one source per -o, or drop -o", *opts.output,
         sources.size());
  link::TempDir tmp("xisa-cc");
  for (const driver::Input *source : sources) {
    if (source->kind == driver::Input::Kind::Stdin)
      fail("-c from stdin is not supported; write the source to a file");
    std::string output = opts.output ? *opts.output : default_output(source->path, ".o");
    driver::compile_fat_object(tc, opts, source->path, output, tmp);
  }
}

void compile_and_link(const link::Toolchain &tc, const driver::Options &opts) {
  link::TempDir tmp("xisa-cc");
  link::LinkRequest request;
  request.output = opts.output.value_or("a.out");
  request.targets = opts.targets;
  request.lib_dirs = opts.lib_dirs;
  request.linker_flags = opts.linker_flags;
  request.start_files = !opts.no_startfiles;
  request.default_libs = !opts.no_defaultlibs;
  request.verbose = opts.verbose;
  int n = 0;
  for (const driver::Input &input : opts.inputs) {
    switch (input.kind) {
    case driver::Input::Kind::Stdin:
      fail("linking a program from stdin is not supported; write the source to a file");
    case driver::Input::Kind::CSource: {
      std::string object = tmp.file("obj/" + std::to_string(n++) + "-" +
                                    default_output(input.path, ".o"));
      driver::compile_fat_object(tc, opts, input.path, object, tmp);
      request.inputs.push_back({link::LinkInput::Kind::Object, object});
      break;
    }
    case driver::Input::Kind::Object:
      request.inputs.push_back({link::LinkInput::Kind::Object, input.path});
      break;
    case driver::Input::Kind::Archive:
      request.inputs.push_back({link::LinkInput::Kind::Archive, input.path});
      break;
    case driver::Input::Kind::Library:
      request.inputs.push_back({link::LinkInput::Kind::Library, input.path});
      break;
    }
  }
  link::link_executables(tc, request);
}

int run(const std::vector<std::string> &args) {
  driver::Options opts = driver::parse_options(args);
  link::Toolchain tc = link::find_toolchain(fs::read_symlink("/proc/self/exe").string());
  if (opts.verbose)
    driver::print_version(tc, stderr);
  if (opts.query != driver::Query::None)
    return driver::answer_query(tc, opts);
  if (opts.inputs.empty()) {
    if (opts.verbose)
      return 0; // `xisa-cc -v` alone, as build systems probe it
    fail("no input files");
  }
  switch (opts.mode) {
  case driver::Mode::Preprocess:
    preprocess(tc, opts);
    break;
  case driver::Mode::Assemble:
    assemble(tc, opts);
    break;
  case driver::Mode::Compile:
    compile_only(tc, opts);
    break;
  case driver::Mode::Link:
    compile_and_link(tc, opts);
    break;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const xisa::Error &e) {
    std::fprintf(stderr, "xisa-cc: error: %s\n", e.what());
    return 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "xisa-cc: error: %s\n", e.what());
    return 1;
  }
}
