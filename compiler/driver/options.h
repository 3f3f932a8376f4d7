// The gcc/clang command line xisa-cc accepts, sorted into what each step
// needs: the per-ISA compiles, the dependency-file flags (host compile
// only), and the link.
#pragma once
#include "support/isa.h"

#include <optional>
#include <string>
#include <vector>

namespace xisa::driver {

enum class Mode {
  Link,       // default: compile sources, then link executables
  Compile,    // -c
  Assemble,   // -S: host assembly
  Preprocess, // -E, or -M/-MM without -E: host preprocessor
};

// What xisa-cc was asked for that needs no compile: --version, -dumpmachine,
// -print-*.
enum class Query { None, Version, DumpMachine, DumpVersion, PrintFileName, PrintProgName,
                   PrintLibgcc, PrintSearchDirs, PrintMultiarch, PrintSysroot };

// One input on the command line, in command-line order (link order matters).
struct Input {
  enum class Kind { CSource, Object, Archive, Library /* -lname */, Stdin };
  Kind kind;
  std::string path; // for Library: the name after -l
};

struct Options {
  Mode mode = Mode::Link;
  Query query = Query::None;
  std::string query_arg; // for -print-file-name=X / -print-prog-name=X
  std::optional<std::string> output; // -o
  std::vector<Input> inputs;
  std::vector<std::string> compile_flags; // to every per-ISA clang compile
  std::vector<std::string> dep_flags;     // -M* family: host compile only
  std::vector<std::string> lib_dirs;      // -L
  std::vector<std::string> linker_flags;  // -Wl,... and -Xlinker, to every per-ISA link
  std::vector<Isa> targets{kAllIsas.begin(), kAllIsas.end()}; // --xisa-targets
  bool verbose = false;   // -v
  bool no_startfiles = false; // -nostartfiles / -nostdlib
  bool no_defaultlibs = false; // -nodefaultlibs / -nostdlib
  bool wants_deps = false; // -MD / -MMD: a .d file beside the output
  bool has_dep_file = false;   // -MF given
  bool has_dep_target = false; // -MT/-MQ given
};

// Parses argv (without argv[0]); @file arguments are expanded first.
// Throws xisa::Error for unsupported flags or inputs, naming the flag.
Options parse_options(const std::vector<std::string> &args);

// Replaces each @file argument by the arguments in that file (gcc quoting).
std::vector<std::string> expand_response_files(const std::vector<std::string> &args);

} // namespace xisa::driver
