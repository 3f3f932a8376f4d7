#include "SectionRecord.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace xisa::pass {

void addSectionRecord(Function &function, StringRef section, StringRef text) {
  Module &module = *function.getParent();
  std::string record = (function.getName() + Twine('\0') + text + Twine('\0')).str();
  Constant *bytes = ConstantDataArray::getString(module.getContext(), record, false);
  // Private: the record has no symbol, so the layout aligner never sees it.
  auto *global = new GlobalVariable(module, bytes->getType(), true, GlobalValue::PrivateLinkage,
                                    bytes, "__xisa_record" + section + "." + function.getName());
  global->setSection(section);
  global->setAlignment(Align(1));
  appendToUsed(module, {global});
}

} // namespace xisa::pass
