#include "RuntimeAbi.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Intrinsics.h"

using namespace llvm;

namespace xisa::pass {

GlobalVariable *getPollFlag(Module &module) {
  Type *i32 = Type::getInt32Ty(module.getContext());
  auto *flag = cast<GlobalVariable>(module.getOrInsertGlobal(kPollName, i32));
  // Executables are static: without this, x86-64 keeps the flag's address
  // in a callee-saved register for the whole function instead of polling
  // `cmpl $0, __xisa_poll(%rip)`.
  flag->setDSOLocal(true);
  return flag;
}

Value *createPollRequested(IRBuilder<> &builder) {
  Module &module = *builder.GetInsertBlock()->getModule();
  LoadInst *flag = builder.CreateLoad(builder.getInt32Ty(), getPollFlag(module), "xisa.poll");
  flag->setVolatile(true);
  return builder.CreateICmpNE(flag, builder.getInt32(0));
}

FunctionCallee getMigPoint(Module &module) {
  FunctionCallee callee =
      module.getOrInsertFunction(kMigPointName, Type::getVoidTy(module.getContext()));
  cast<Function>(callee.getCallee())->addFnAttr(Attribute::Cold);
  return callee;
}

GlobalVariable *getShadowSp(Module &module) {
  Type *ptr = PointerType::getUnqual(module.getContext());
  auto *ssp = cast<GlobalVariable>(module.getOrInsertGlobal(kShadowSpName, ptr));
  ssp->setThreadLocalMode(GlobalValue::InitialExecTLSModel);
  ssp->setDSOLocal(true); // as for the poll flag
  return ssp;
}

bool routeSetjmpThroughRuntime(Module &module) {
  static constexpr std::pair<StringLiteral, StringLiteral> kRoutes[] = {
      {"setjmp", "__xisa_setjmp"}, {"_setjmp", "__xisa_setjmp"}, {"sigsetjmp", "__xisa_sigsetjmp"}};
  bool changed = false;
  for (auto [musl, runtime] : kRoutes) {
    Function *callee = module.getFunction(musl);
    if (!callee || !callee->isDeclaration())
      continue;
    // setjmp and _setjmp are one function in musl and here.
    if (Function *routed = module.getFunction(runtime)) {
      callee->replaceAllUsesWith(routed);
      callee->eraseFromParent();
    } else {
      callee->setName(runtime);
    }
    changed = true;
  }
  return changed;
}

bool isRuntimeFunction(const Function &function) {
  return function.getName().starts_with(kRuntimePrefix);
}

// musl functions that neither block for long nor call user code. A call to
// one of them never has the caller's frame on the stack at a migration point,
// so it needs no record. Anything not listed (qsort, bsearch, atexit, exit,
// pthread_*, signal handlers' installers, I/O that may block) gets one.
static const StringSet<> kLeafLibc = {
    "memcpy",  "memmove", "memset",  "memcmp",  "memchr",   "strlen",  "strnlen", "strcmp",
    "strncmp", "strcpy",  "strncpy", "strcat",  "strncat",  "strchr",  "strrchr", "strstr",
    "strdup",  "strndup", "strtol",  "strtoul", "strtoll",  "strtoull", "strtod", "strtof",
    "atoi",    "atol",    "atof",    "abs",     "labs",     "malloc",  "calloc",  "realloc",
    "free",    "sqrt",    "sqrtf",   "sin",     "cos",      "tan",     "exp",     "log",
    "log2",    "log10",   "pow",     "fabs",    "floor",    "ceil",    "fmod",    "atan2",
    "sinf",    "cosf",    "expf",    "logf",    "powf",     "toupper", "tolower", "isdigit",
    "isalpha", "isspace", "isalnum", "isupper", "islower",  "__errno_location", "rand",
    "srand",   "sprintf", "snprintf", "vsnprintf", "vsprintf", "sscanf",
};

bool mayReachMigrationPoint(const CallBase &call) {
  if (call.isInlineAsm())
    return false; // inline asm makes the whole function non-migratable instead
  const Function *callee = call.getCalledFunction();
  if (!callee)
    return true; // indirect calls may go anywhere
  if (callee->isIntrinsic())
    return false;
  if (callee->getName() == kMigPointName)
    return true;
  if (isRuntimeFunction(*callee))
    return false;
  return !(callee->isDeclaration() && kLeafLibc.contains(callee->getName()));
}

} // namespace xisa::pass
