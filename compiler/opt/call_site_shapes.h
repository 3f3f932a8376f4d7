// What each function's call-site records and shadow frame look like after
// XisaPass, in a form comparable across ISAs: the frames of a function can
// be rebuilt on another ISA only if both have the same call sites, in the
// same order, with live values of the same type and origin, and its locals
// at the same offsets of the shadow frame (the transformer keeps its bytes).
#pragma once
#include "llvm/IR/Module.h"

#include <map>
#include <string>
#include <vector>

namespace xisa::opt {

// One record: its id and its live values, "type origin" each
// ("ptr arg0, i64 phi").
struct RecordShape {
  uint64_t id = 0;
  std::string values;
  friend bool operator==(const RecordShape &, const RecordShape &) = default;
};

struct FunctionShape {
  std::string frame; // the pass's `.xisa.frames` text ("" without one)
  std::vector<RecordShape> records; // in IR order
};

using CallSiteShapes = std::map<std::string, FunctionShape>;

CallSiteShapes collectShapes(const llvm::Module &module);

struct Disagreement {
  std::string function;
  std::string reason; // for the warning and the .xisa.nonmig record
};

// Functions whose shapes differ between modules (or that have records in
// one module and are absent from another). `names[i]` labels `shapes[i]`.
std::vector<Disagreement> findDisagreements(const std::vector<CallSiteShapes> &shapes,
                                            const std::vector<std::string> &names);

} // namespace xisa::opt
