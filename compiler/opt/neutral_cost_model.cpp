#include "neutral_cost_model.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
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

  // Moving a value between a vector lane and a scalar register takes an
  // instruction per lane on all three ISAs (BasicTTIImpl counts the same);
  // the generic model's zero let the loop vectorizer build vectors out of
  // scalar loads lane by lane for free (sha256's byte gather, 16 loads and
  // inserts per four words on x86-64).
  InstructionCost getScalarizationOverhead(VectorType *type, const APInt &lanes, bool insert,
                                           bool extract, TTI::TargetCostKind) const {
    if (isa<ScalableVectorType>(type))
      return InstructionCost::getInvalid();
    return (int(insert) + int(extract)) * lanes.popcount();
  }

  // None of the three has gather loads (SSE2, NEON, VSX): a scalarized
  // access computes its address as a scalar, not in a vector taken apart.
  bool prefersVectorizedAddressing() const { return false; }

  // Each distinct non-constant vector operand of a scalarized instruction
  // is taken apart lane by lane (as BasicTTIImpl counts).
  InstructionCost getOperandsScalarizationOverhead(ArrayRef<const Value *> operands,
                                                   ArrayRef<Type *> types,
                                                   TTI::TargetCostKind kind) const {
    InstructionCost cost = 0;
    SmallPtrSet<const Value *, 4> counted;
    for (auto [operand, type] : zip(operands, types))
      if (auto *vector = dyn_cast<FixedVectorType>(type))
        if (!isa<Constant>(operand) && counted.insert(operand).second)
          cost += getScalarizationOverhead(vector, APInt::getAllOnes(vector->getNumElements()),
                                           false, true, kind);
    return cost;
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
