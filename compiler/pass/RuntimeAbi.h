// The names and types the instrumented code shares with the runtime
// (docs/design.md, "Runtime ABI used by instrumented code"), and the
// question every transformation asks: can this call reach a migration point?
#pragma once
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Module.h"

namespace xisa::pass {

inline constexpr llvm::StringLiteral kPollName = "__xisa_poll";
inline constexpr llvm::StringLiteral kMigPointName = "__xisa_mig_point";
inline constexpr llvm::StringLiteral kShadowSpName = "__xisa_ssp";
inline constexpr llvm::StringLiteral kRuntimePrefix = "__xisa_";

// `extern volatile int32_t __xisa_poll`
llvm::GlobalVariable *getPollFlag(llvm::Module &module);
// `__xisa_poll != 0`, the flag read with a volatile load at `builder`: the
// test of every migration point.
llvm::Value *createPollRequested(llvm::IRBuilder<> &builder);
// `void __xisa_mig_point(void)`, cold
llvm::FunctionCallee getMigPoint(llvm::Module &module);
// `extern __thread char *__xisa_ssp` (initial-exec)
llvm::GlobalVariable *getShadowSp(llvm::Module &module);

// Sends calls of musl's setjmp, _setjmp and sigsetjmp to the runtime's
// __xisa_setjmp and __xisa_sigsetjmp, which note each jmp_buf so a move to
// another ISA can rewrite it (docs/design.md, "jmp_bufs"). Runs after the
// call sites are recorded: the setjmp call keeps its record, which tells the
// transformer what the frame holds when a longjmp returns there.
bool routeSetjmpThroughRuntime(llvm::Module &module);

// Functions of the runtime itself are never instrumented.
bool isRuntimeFunction(const llvm::Function &function);

// True if the call may run instrumented code before it returns, so the
// caller's frame may be on the stack during a migration: any call except
// intrinsics, runtime helpers other than the migration point, and C library
// functions known never to call back into user code.
bool mayReachMigrationPoint(const llvm::CallBase &call);

} // namespace xisa::pass
