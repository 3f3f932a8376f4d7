// Reads `.eh_frame` with LLVM's DWARF CFI parser and answers, for a pc, the
// row of its function's unwind table: the CFA rule and where each saved
// register lives.
#pragma once
#include "meta/metadata.h"

#include "llvm/Object/ObjectFile.h"

#include <memory>

namespace xisa::meta {

class FrameRules {
public:
  explicit FrameRules(const llvm::object::ObjectFile &object);
  ~FrameRules();

  // The rule valid at `pc`; throws xisa::Error if no FDE covers it or the
  // CFA is not register + offset.
  FrameRule at(uint64_t pc) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace xisa::meta
