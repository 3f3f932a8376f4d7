#include "neutral_cost_model.h"

#include "llvm/Analysis/LoopInfo.h"
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

  // A division is one instruction on all three ISAs; the generic model
  // charges it TCC_Expensive for size too, which kept loops with one from
  // being unrolled as they are for x86-64.
  InstructionCost getArithmeticInstrCost(unsigned opcode, Type *type,
                                         TTI::TargetCostKind kind,
                                         TTI::OperandValueInfo first,
                                         TTI::OperandValueInfo second,
                                         ArrayRef<const Value *> args,
                                         const Instruction *context = nullptr) const {
    if (kind == TTI::TCK_CodeSize)
      return TTI::TCC_Basic;
    return Base::getArithmeticInstrCost(opcode, type, kind, first, second, args, context);
  }

  // LLVM's target-independent partial and runtime unrolling of small
  // call-free loops (BasicTTIImpl's), with the loop buffer of x86-64's
  // scheduling model (28 micro-ops), as clang unrolls for x86-64. Without
  // it the middle end unrolled nothing; the plain x86-64 builds the
  // benchmark compares with do (bigarrays ran 48 % more instructions, 12 %
  // with it).
  void getUnrollingPreferences(Loop *loop, ScalarEvolution &, TTI::UnrollingPreferences &prefs,
                               OptimizationRemarkEmitter *) const {
    for (BasicBlock *block : loop->blocks())
      for (Instruction &inst : *block)
        if (const auto *call = dyn_cast<CallBase>(&inst)) {
          const Function *callee = call->getCalledFunction();
          if (!callee || isLoweredToCall(callee))
            return;
        }
    prefs.Partial = prefs.Runtime = prefs.UpperBound = true;
    prefs.PartialThreshold = kLoopBufferOps;
    prefs.OptSizeThreshold = 0;
    prefs.PartialOptSizeThreshold = 0;
    prefs.BEInsns = 2;
  }

private:
  static constexpr unsigned kLoopBufferOps = 28;
};

} // namespace

TargetIRAnalysis neutralCostModel() {
  return TargetIRAnalysis(
      [](const Function &function) { return TargetTransformInfo(NeutralCostModel(function)); });
}

} // namespace xisa::opt
