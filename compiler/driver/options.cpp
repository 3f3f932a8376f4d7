#include "driver/options.h"

#include "support/error.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace xisa::driver {

static bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

static std::string extension(const std::string &path) {
  size_t slash = path.find_last_of('/');
  size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return "";
  return path.substr(dot);
}

// gcc's response-file syntax: whitespace separates, quotes and backslash escape.
static std::vector<std::string> split_response(const std::string &text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      cur += text[++i];
      in_word = true;
    } else if (quote) {
      if (c == quote)
        quote = 0;
      else
        cur += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word)
        out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word)
    out.push_back(cur);
  return out;
}

std::vector<std::string> expand_response_files(const std::vector<std::string> &args) {
  std::vector<std::string> out;
  for (const std::string &arg : args) {
    if (arg.size() < 2 || arg[0] != '@') {
      out.push_back(arg);
      continue;
    }
    std::ifstream in(arg.substr(1));
    if (!in)
      fail("cannot read response file '{}'", arg.substr(1));
    std::stringstream text;
    text << in.rdbuf();
    for (std::string &inner : expand_response_files(split_response(text.str())))
      out.push_back(std::move(inner));
  }
  return out;
}

static void add_input(Options &opts, const std::string &path, const std::string &language) {
  if (path == "-") {
    opts.inputs.push_back({Input::Kind::Stdin, path});
    return;
  }
  if (language == "c") {
    opts.inputs.push_back({Input::Kind::CSource, path});
    return;
  }
  std::string ext = extension(path);
  if (ext == ".c" || ext == ".i")
    opts.inputs.push_back({Input::Kind::CSource, path});
  else if (ext == ".a")
    opts.inputs.push_back({Input::Kind::Archive, path});
  else if (ext == ".cc" || ext == ".cpp" || ext == ".cxx" || ext == ".C" || ext == ".c++" ||
           ext == ".ii" || ext == ".mm" || ext == ".m")
    fail("'{}': xisa-cc builds C only (C++ and Objective-C are not supported)", path);
  else if (ext == ".s" || ext == ".S" || ext == ".sx" || ext == ".asm")
    fail("'{}': assembly is specific to one ISA; xisa-cc needs C sources it can build for "
         "every ISA",
         path);
  else if (ext == ".so" || path.find(".so.") != std::string::npos)
    fail("'{}': shared libraries cannot be linked; xisa-cc builds static executables only "
         "(use the library's .a or its sources)",
         path);
  else if (ext == ".f" || ext == ".f90" || ext == ".go" || ext == ".rs" || ext == ".d" ||
           ext == ".h")
    fail("'{}': unknown or unsupported input language (xisa-cc builds C)", path);
  else
    opts.inputs.push_back({Input::Kind::Object, path});
}

// Flags whose value is the next argument.
static bool takes_value(std::string_view flag) {
  static const char *const kFlags[] = {"-o", "-I", "-D", "-U", "-include", "-imacros",
                                       "-isystem", "-iquote", "-idirafter", "-MF", "-MT",
                                       "-MQ", "-L", "-l", "-x", "-Xlinker", "-Xclang",
                                       "-Xpreprocessor", "-e"};
  for (const char *f : kFlags)
    if (flag == f)
      return true;
  return false;
}

static std::vector<Isa> parse_targets(std::string_view list) {
  std::vector<Isa> targets;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    std::optional<Isa> isa = parse_isa(item);
    if (!isa)
      fail("--xisa-targets: unknown ISA '{}' (known: {})", item, isa_names());
    bool dup = false;
    for (Isa t : targets)
      dup |= t == *isa;
    if (!dup)
      targets.push_back(*isa);
    list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
  }
  if (targets.empty())
    fail("--xisa-targets needs at least one ISA (known: {})", isa_names());
  // Keep the table's order so the file names and layouts do not depend on it.
  std::vector<Isa> ordered;
  for (Isa isa : kAllIsas)
    for (Isa t : targets)
      if (t == isa)
        ordered.push_back(isa);
  return ordered;
}

static void split_commas(std::string_view text, std::vector<std::string> &out) {
  while (true) {
    size_t comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos)
      return;
    text = text.substr(comma + 1);
  }
}

static bool parse_query(Options &opts, const std::string &arg) {
  struct Entry {
    const char *flag;
    Query query;
  };
  static const Entry kExact[] = {{"--version", Query::Version},
                                 {"-dumpmachine", Query::DumpMachine},
                                 {"-dumpversion", Query::DumpVersion},
                                 {"-dumpfullversion", Query::DumpVersion},
                                 {"-print-libgcc-file-name", Query::PrintLibgcc},
                                 {"-print-search-dirs", Query::PrintSearchDirs},
                                 {"-print-multiarch", Query::PrintMultiarch},
                                 {"-print-sysroot", Query::PrintSysroot}};
  for (const Entry &e : kExact)
    if (arg == e.flag) {
      opts.query = e.query;
      return true;
    }
  if (starts_with(arg, "-print-file-name=")) {
    opts.query = Query::PrintFileName;
    opts.query_arg = arg.substr(17);
    return true;
  }
  if (starts_with(arg, "-print-prog-name=")) {
    opts.query = Query::PrintProgName;
    opts.query_arg = arg.substr(17);
    return true;
  }
  return false;
}

// -M family. Returns false if `arg` is not one of them.
static bool parse_dep_flag(Options &opts, const std::string &arg, const std::string &value) {
  if (arg == "-M" || arg == "-MM") {
    opts.dep_flags.push_back(arg);
    if (opts.mode == Mode::Link)
      opts.mode = Mode::Preprocess;
  } else if (arg == "-MD" || arg == "-MMD") {
    opts.dep_flags.push_back(arg);
    opts.wants_deps = true;
  } else if (arg == "-MP" || arg == "-MG") {
    opts.dep_flags.push_back(arg);
  } else if (arg == "-MF") {
    opts.dep_flags.insert(opts.dep_flags.end(), {arg, value});
    opts.has_dep_file = true;
  } else if (arg == "-MT" || arg == "-MQ") {
    opts.dep_flags.insert(opts.dep_flags.end(), {arg, value});
    opts.has_dep_target = true;
  } else {
    return false;
  }
  return true;
}

Options parse_options(const std::vector<std::string> &raw) {
  std::vector<std::string> args = expand_response_files(raw);
  Options opts;
  std::string language; // -x: "" = by extension
  bool mode_e = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    std::string value;
    if (takes_value(arg)) {
      if (i + 1 >= args.size())
        fail("'{}' needs a value", arg);
      value = args[++i];
    }

    if (arg.empty() || arg[0] != '-' || arg == "-") {
      add_input(opts, arg, language);
    } else if (parse_query(opts, arg) || parse_dep_flag(opts, arg, value)) {
    } else if (arg == "-c") {
      opts.mode = Mode::Compile;
    } else if (arg == "-S") {
      opts.mode = Mode::Assemble;
    } else if (arg == "-E") {
      mode_e = true;
    } else if (arg == "-o") {
      opts.output = value;
    } else if (starts_with(arg, "-o")) {
      opts.output = arg.substr(2);
    } else if (arg == "-x") {
      if (value != "c" && value != "none" && value != "cpp-output")
        fail("-x {}: xisa-cc builds C only (-x c)", value);
      language = value == "none" ? "" : "c";
    } else if (starts_with(arg, "-x")) {
      std::string lang = arg.substr(2);
      if (lang != "c" && lang != "none")
        fail("-x{}: xisa-cc builds C only (-x c)", lang);
      language = lang == "none" ? "" : "c";
    } else if (arg == "-l") {
      opts.inputs.push_back({Input::Kind::Library, value});
    } else if (starts_with(arg, "-l")) {
      opts.inputs.push_back({Input::Kind::Library, arg.substr(2)});
    } else if (arg == "-L") {
      opts.lib_dirs.push_back(value);
    } else if (starts_with(arg, "-L")) {
      opts.lib_dirs.push_back(arg.substr(2));
    } else if (starts_with(arg, "-Wl,")) {
      split_commas(std::string_view(arg).substr(4), opts.linker_flags);
    } else if (arg == "-Xlinker") {
      opts.linker_flags.push_back(value);
    } else if (arg == "-e") {
      opts.linker_flags.insert(opts.linker_flags.end(), {"-e", value});
    } else if (starts_with(arg, "--xisa-targets=")) {
      opts.targets = parse_targets(std::string_view(arg).substr(15));
    } else if (arg == "-v") {
      opts.verbose = true;
    } else if (arg == "-shared" || arg == "-dynamic" || arg == "-Bdynamic" ||
               arg == "-static-pie" || arg == "-pie") {
      fail("{}: xisa-cc builds static (non-PIE) executables only; shared libraries and "
           "dynamic linking are not supported",
           arg);
    } else if (arg == "-nostdlib") {
      opts.no_startfiles = opts.no_defaultlibs = true;
    } else if (arg == "-nostartfiles") {
      opts.no_startfiles = true;
    } else if (arg == "-nodefaultlibs") {
      opts.no_defaultlibs = true;
    } else if (arg == "-pthread") {
      // musl has pthreads in libc.a; the compile still wants _REENTRANT.
      opts.compile_flags.push_back(arg);
    } else if (arg == "-static" || arg == "-no-pie" || arg == "-static-libgcc" || arg == "-s" ||
               arg == "-rdynamic" || arg == "-pipe" || arg == "-m64" || arg == "-save-temps" ||
               arg == "-nostdinc" || starts_with(arg, "-fuse-ld=") ||
               starts_with(arg, "--sysroot")) {
      // Always true of xisa-cc output, or meaningless for it: the executables
      // keep their symbol tables (the layout check and migration need them).
    } else if (arg == "-target" || starts_with(arg, "--target") || starts_with(arg, "-march") ||
               starts_with(arg, "-mcpu") || starts_with(arg, "-mtune") || starts_with(arg, "-m")) {
      fail("{}: ISA-specific flags are not supported; xisa-cc builds for {} "
           "(pick a subset with --xisa-targets=)",
           arg, isa_names());
    } else if (starts_with(arg, "-Wa,")) {
      fail("{}: assembler flags are specific to one ISA and not supported", arg);
    } else if (starts_with(arg, "-fpass-plugin") || starts_with(arg, "-fplugin")) {
      fail("{}: xisa-cc loads its own pass plugin; other plugins are not supported", arg);
    } else if (arg == "-I" || arg == "-D" || arg == "-U" || arg == "-include" ||
               arg == "-imacros" || arg == "-isystem" || arg == "-iquote" ||
               arg == "-idirafter" || arg == "-Xclang" || arg == "-Xpreprocessor") {
      opts.compile_flags.insert(opts.compile_flags.end(), {arg, value});
    } else if (starts_with(arg, "-I") || starts_with(arg, "-D") || starts_with(arg, "-U") ||
               starts_with(arg, "-O") || starts_with(arg, "-g") || starts_with(arg, "-std=") ||
               starts_with(arg, "-W") || starts_with(arg, "-f") || starts_with(arg, "-pedantic") ||
               arg == "-w" || arg == "-ansi" || arg == "-P" || arg == "-C" || arg == "-H" ||
               arg == "-dM" || arg == "-dD" || arg == "-undef" || starts_with(arg, "-Wp,") ||
               starts_with(arg, "-iprefix") || starts_with(arg, "-isystem") ||
               starts_with(arg, "-iquote") || starts_with(arg, "-idirafter") ||
               starts_with(arg, "--std=") || arg == "-trigraphs") {
      opts.compile_flags.push_back(arg);
    } else {
      fail("unsupported flag '{}' (xisa-cc accepts the usual gcc/clang C flags; see "
           "README.md)",
           arg);
    }
  }
  for (const std::string &flag : opts.linker_flags)
    if (flag == "-T" || starts_with(flag, "--script") || starts_with(flag, "-T"))
      fail("{}: xisa-cc writes its own linker scripts (one address per symbol on every ISA); "
           "custom linker scripts are not supported",
           flag);
  if (mode_e)
    opts.mode = Mode::Preprocess;
  return opts;
}

} // namespace xisa::driver
