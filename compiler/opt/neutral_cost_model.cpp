#include "neutral_cost_model.h"

#include "llvm/Analysis/TargetTransformInfoImpl.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace xisa::opt {

namespace {

class NeutralCostModel : public TargetTransformInfoImplCRTPBase<NeutralCostModel> {
  using Base = TargetTransformInfoImplCRTPBase<NeutralCostModel>;

public:
  explicit NeutralCostModel(const Function &function)
      : Base(function.getParent()->getDataLayout()) {}

  unsigned getNumberOfRegisters(unsigned) const { return 16; }
  unsigned getRegisterClassForType(bool vector, Type *) const { return vector ? 1 : 0; }

  TypeSize getRegisterBitWidth(TargetTransformInfo::RegisterKind kind) const {
    switch (kind) {
    case TargetTransformInfo::RGK_Scalar:
      return TypeSize::getFixed(64);
    case TargetTransformInfo::RGK_FixedWidthVector:
      return TypeSize::getFixed(128);
    case TargetTransformInfo::RGK_ScalableVector:
      return TypeSize::getScalable(0);
    }
    return TypeSize::getFixed(64);
  }

  unsigned getMaxInterleaveFactor(ElementCount) const { return 2; }
};

} // namespace

TargetIRAnalysis neutralCostModel() {
  return TargetIRAnalysis(
      [](const Function &function) { return TargetTransformInfo(NeutralCostModel(function)); });
}

} // namespace xisa::opt
