#include "call_site_shapes.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace llvm;

namespace xisa::opt {

// Where a live value comes from: arguments by position, instructions by
// opcode. Two ISAs with equal types but different origins (an ABI-lowered
// struct argument against a load, say) would otherwise pass unnoticed.
static void describeOrigin(const Value &value, raw_ostream &out) {
  if (const auto *argument = dyn_cast<Argument>(&value))
    out << "arg" << argument->getArgNo();
  else if (const auto *inst = dyn_cast<Instruction>(&value))
    out << inst->getOpcodeName();
  else if (isa<Constant>(value))
    out << "const";
  else
    out << "value";
}

// The `.xisa.frames` records the pass added: "function\0layout\0" each.
static void collectFrames(const Module &module, CallSiteShapes &shapes) {
  for (const GlobalVariable &global : module.globals()) {
    if (global.getSection() != ".xisa.frames")
      continue;
    StringRef record = cast<ConstantDataArray>(global.getInitializer())->getAsString();
    auto [function, rest] = record.split('\0');
    shapes[function.str()].frame = rest.split('\0').first.str();
  }
}

CallSiteShapes collectShapes(const Module &module) {
  CallSiteShapes shapes;
  collectFrames(module, shapes);
  for (const Function &function : module) {
    if (function.isDeclaration())
      continue;
    std::vector<RecordShape> &records = shapes[function.getName().str()].records;
    for (const BasicBlock &block : function)
      for (const Instruction &inst : block) {
        const auto *call = dyn_cast<IntrinsicInst>(&inst);
        if (!call || call->getIntrinsicID() != Intrinsic::experimental_stackmap)
          continue;
        RecordShape record{cast<ConstantInt>(call->getArgOperand(0))->getZExtValue(), {}};
        raw_string_ostream out(record.values);
        // Values only: each is followed by its type code, which its type fixes.
        for (unsigned i = 2; i < call->arg_size(); i += 2) {
          const Value &live = *call->getArgOperand(i);
          out << (i == 2 ? "" : ", ") << *live.getType() << " ";
          describeOrigin(live, out);
        }
        records.push_back(std::move(record));
      }
  }
  return shapes;
}

// The first difference between two functions' shapes, in words.
static std::string firstDifference(const FunctionShape &aShape, const std::string &aName,
                                   const FunctionShape &bShape, const std::string &bName) {
  const std::vector<RecordShape> &a = aShape.records, &b = bShape.records;
  // A frame without call sites is never parked, so only then it matters.
  if ((!a.empty() || !b.empty()) && aShape.frame != bShape.frame)
    return "its shadow frame (size align offset+bytes...) differs between ISAs: (" +
           aShape.frame + ") on " + aName + ", (" + bShape.frame + ") on " + bName;
  if (a.size() != b.size())
    return "its call sites differ between ISAs: " + std::to_string(a.size()) + " on " + aName +
           ", " + std::to_string(b.size()) + " on " + bName;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i])
      return "the live values of its call site " + std::to_string(i) + " differ between ISAs: (" +
             a[i].values + ") on " + aName + ", (" + b[i].values + ") on " + bName;
  return {};
}

std::vector<Disagreement> findDisagreements(const std::vector<CallSiteShapes> &shapes,
                                            const std::vector<std::string> &names) {
  std::set<std::string> functions;
  for (const CallSiteShapes &module : shapes)
    for (const auto &[function, shape] : module)
      functions.insert(function);

  static const FunctionShape kAbsent;
  std::vector<Disagreement> found;
  for (const std::string &function : functions) {
    for (size_t i = 1; i < shapes.size(); ++i) {
      auto first = shapes[0].find(function), other = shapes[i].find(function);
      const FunctionShape &a = first == shapes[0].end() ? kAbsent : first->second;
      const FunctionShape &b = other == shapes[i].end() ? kAbsent : other->second;
      std::string difference = firstDifference(a, names[0], b, names[i]);
      if (!difference.empty()) {
        found.push_back({function, difference});
        break;
      }
    }
  }
  return found;
}

} // namespace xisa::opt
