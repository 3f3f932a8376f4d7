// xisa-opt: xisa-cc's middle end. Takes one source's unoptimized modules,
// one per ISA, optimizes each the same way (neutral_pipeline.h), adds
// migration points and call-site records with XisaPass, and makes sure the
// ISAs agree on every function's records: a function whose records differ
// (code under #ifdef __x86_64__, long double, an ABI-lowered va_list) is
// made non-migratable on all ISAs and the modules are rebuilt, so that
// `xisa meta check` holds by construction.
//
//   xisa-opt --plugin XisaPass.so -O LEVEL IN.bc OUT.bc [IN.bc OUT.bc]...
#include "call_site_shapes.h"
#include "local_alignment.h"
#include "neutral_pipeline.h"
#include "unfused_multiply_add.h"

#include "NonMigratable.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>

using namespace llvm;
using namespace xisa::opt;

namespace {

struct Arguments {
  std::string plugin;
  std::string level = "2";
  std::vector<std::pair<std::string, std::string>> modules; // input, output
};

Arguments parseArguments(int argc, char **argv) {
  Arguments args;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--plugin" || arg == "-O") && i + 1 < argc)
      (arg == "-O" ? args.level : args.plugin) = argv[++i];
    else if (arg.starts_with("-"))
      throw std::invalid_argument("unknown option " + arg);
    else
      files.push_back(arg);
  }
  if (args.plugin.empty() || files.empty() || files.size() % 2 != 0)
    throw std::invalid_argument(
        "usage: xisa-opt --plugin XisaPass.so -O LEVEL IN.bc OUT.bc [IN.bc OUT.bc]...");
  for (size_t i = 0; i < files.size(); i += 2)
    args.modules.emplace_back(files[i], files[i + 1]);
  return args;
}

// Keeps the diagnostics of one module's run, so that only the final
// round's warnings are shown, and each once however many ISAs repeat it.
// (No exception may cross LLVM's frames, so errors are kept too.)
struct DiagnosticCollector : DiagnosticHandler {
  std::vector<std::string> *warnings, *errors;
  DiagnosticCollector(std::vector<std::string> *warnings, std::vector<std::string> *errors)
      : warnings(warnings), errors(errors) {}
  bool handleDiagnostics(const DiagnosticInfo &info) override {
    std::string text;
    raw_string_ostream out(text);
    DiagnosticPrinterRawOStream printer(out);
    info.print(printer);
    if (info.getSeverity() == DS_Error)
      errors->push_back(text);
    else if (info.getSeverity() == DS_Warning)
      warnings->push_back(text);
    return true;
  }
};

// One ISA's module through one round.
struct Unit {
  std::unique_ptr<MemoryBuffer> input;
  std::string output;
  LLVMContext context;
  std::unique_ptr<Module> module;
  std::vector<std::string> warnings, errors;
  CallSiteShapes shapes;
  std::string error;

  void run(OptimizationLevel level, const PassPlugin &plugin,
           const std::map<std::string, std::string> &forced) {
    try {
      warnings.clear();
      context.setDiagnosticHandler(std::make_unique<DiagnosticCollector>(&warnings, &errors));
      Expected<std::unique_ptr<Module>> parsed = parseBitcodeFile(*input, context);
      if (!parsed)
        throw std::runtime_error(input->getBufferIdentifier().str() + ": " +
                                 toString(parsed.takeError()));
      module = std::move(*parsed);
      for (const auto &[name, reason] : forced)
        if (Function *function = module->getFunction(name))
          function->addFnAttr(xisa::pass::kNonMigratableAttribute, reason);
      alignLocalsAlike(*module);
      optimize(*module, level);
      unfuseMultiplyAdds(*module);
      instrument(*module, plugin);
      if (!errors.empty())
        throw std::runtime_error(errors.front());
      shapes = collectShapes(*module);
    } catch (const std::exception &e) {
      error = e.what();
    }
  }

  void write() const {
    std::error_code ec;
    raw_fd_ostream out(output, ec);
    if (ec)
      throw std::runtime_error("cannot write " + output + ": " + ec.message());
    WriteBitcodeToFile(*module, out);
  }
};

int run(int argc, char **argv) {
  Arguments args = parseArguments(argc, argv);
  OptimizationLevel level = parseLevel(args.level);
  Expected<PassPlugin> plugin = PassPlugin::Load(args.plugin);
  if (!plugin)
    throw std::runtime_error("cannot load the pass plugin: " + toString(plugin.takeError()));

  std::vector<std::unique_ptr<Unit>> units;
  std::vector<std::string> isas;
  for (const auto &[input, output] : args.modules) {
    auto unit = std::make_unique<Unit>();
    ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(input);
    if (!buffer)
      throw std::runtime_error("cannot read " + input + ": " + buffer.getError().message());
    unit->input = std::move(*buffer);
    unit->output = output;
    units.push_back(std::move(unit));
  }

  // Each round starts again from the unoptimized modules; it ends when no
  // new function disagrees. Forced functions have no records, so the set
  // only grows and the loop ends.
  std::map<std::string, std::string> forced;
  for (;;) {
    std::vector<std::thread> threads;
    for (auto &unit : units)
      threads.emplace_back([&, u = unit.get()] { u->run(level, *plugin, forced); });
    for (std::thread &thread : threads)
      thread.join();
    std::vector<CallSiteShapes> shapes;
    isas.clear();
    for (auto &unit : units) {
      if (!unit->error.empty())
        throw std::runtime_error(unit->error);
      shapes.push_back(unit->shapes);
      isas.push_back(Triple(unit->module->getTargetTriple()).getArchName().str());
    }
    size_t before = forced.size();
    for (const Disagreement &d : findDisagreements(shapes, isas))
      forced.emplace(d.function, d.reason);
    if (forced.size() == before)
      break;
  }

  std::set<std::string> shown;
  for (auto &unit : units) {
    for (const std::string &warning : unit->warnings)
      if (shown.insert(warning).second)
        std::fprintf(stderr, "%s: warning: %s\n", unit->module->getSourceFileName().c_str(),
                     warning.c_str());
    unit->write();
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "xisa-opt: error: %s\n", e.what());
    return 1;
  }
}
