// XisaPass.so as clang-19 loads it: compile C snippets, inspect the IR and
// the stackmaps of the objects for all three ISAs.
#include "meta/meta_check.h"
#include "meta/stackmaps.h"
#include "toolchain.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/ProfDataUtils.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>

using namespace llvm;
using namespace xisa;
using namespace xisa::test;

namespace {

class PassTest : public ::testing::Test {
protected:
  TempDir tmp;
  LLVMContext context;

  // Compiles `source` to optimized, instrumented IR for `isa`.
  std::unique_ptr<Module> ir(const std::string &source, Isa isa = Isa::X86_64) {
    auto file = tmp.write("snippet.c", source);
    auto out = tmp.path() / "snippet.ll";
    RunResult result = compile(isa, file, out, {"-S", "-emit-llvm"});
    EXPECT_EQ(result.status, 0) << result.output;
    SMDiagnostic error;
    std::unique_ptr<Module> module = parseIRFile(out.string(), error, context);
    EXPECT_TRUE(module) << error.getMessage().str();
    return module;
  }
};

bool isPollLoad(const Instruction &inst) {
  const auto *load = dyn_cast<LoadInst>(&inst);
  return load && load->isVolatile() && load->getPointerOperand()->getName() == "__xisa_poll";
}

unsigned countPolls(const BasicBlock &block) {
  unsigned n = 0;
  for (const Instruction &inst : block)
    n += isPollLoad(inst);
  return n;
}

unsigned countPolls(const Function &function) {
  unsigned n = 0;
  for (const BasicBlock &block : function)
    n += countPolls(block);
  return n;
}

std::vector<const CallInst *> stackmaps(const Function &function) {
  std::vector<const CallInst *> out;
  for (const BasicBlock &block : function)
    for (const Instruction &inst : block)
      if (const auto *call = dyn_cast<CallInst>(&inst);
          call && call->getIntrinsicID() == Intrinsic::experimental_stackmap)
        out.push_back(call);
  return out;
}

} // namespace

TEST_F(PassTest, LeafFunctionsGetNoPoints) {
  auto module = ir("int leaf(int a, int b) { return a * b + 1; }");
  ASSERT_TRUE(module);
  EXPECT_EQ(countPolls(*module->getFunction("leaf")), 0u);
}

TEST_F(PassTest, PointAtEntryOfFunctionsThatCall) {
  auto module = ir("extern int g(int);\nint f(int a) { return g(a) + 1; }");
  ASSERT_TRUE(module);
  const Function &f = *module->getFunction("f");
  EXPECT_EQ(countPolls(f.getEntryBlock()), 1u);
  EXPECT_EQ(countPolls(f), 1u);
}

TEST_F(PassTest, PointOnEveryLoopHeaderWithColdBranch) {
  auto module = ir("int f(int *v, int n, int m) { int s = 0;\n"
                   "  for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) s += v[i] ^ j;\n"
                   "  return s; }");
  ASSERT_TRUE(module);
  const Function &f = *module->getFunction("f");
  // A leaf: no entry point, but both loops poll.
  EXPECT_EQ(countPolls(f.getEntryBlock()), 0u);
  EXPECT_GE(countPolls(f), 2u);
  for (const BasicBlock &block : f)
    for (const Instruction &inst : block)
      if (isPollLoad(inst)) {
        const auto *branch = dyn_cast<BranchInst>(block.getTerminator());
        ASSERT_TRUE(branch && branch->isConditional());
        // The cold block's first call (element extracts of vector live
        // values and the asm pins of computed ones may precede it).
        const CallInst *call = nullptr;
        for (const Instruction &cold : *branch->getSuccessor(0))
          if ((call = dyn_cast<CallInst>(&cold)) && !call->isInlineAsm())
            break;
        ASSERT_TRUE(call && call->getCalledFunction());
        EXPECT_EQ(call->getCalledFunction()->getName(), "__xisa_mig_point");
        uint64_t taken = 0, notTaken = 0;
        ASSERT_TRUE(extractBranchWeights(*branch, taken, notTaken));
        EXPECT_LT(taken * 100, notTaken);
      }
}

TEST_F(PassTest, RuntimeFunctionsAreNotInstrumented) {
  auto module = ir("extern int g(int);\n"
                   "int __xisa_helper(int n) { int s = 0; for (int i = 0; i < n; i++) s += g(i);"
                   " return s; }");
  ASSERT_TRUE(module);
  const Function &f = *module->getFunction("__xisa_helper");
  EXPECT_EQ(countPolls(f), 0u);
  EXPECT_TRUE(stackmaps(f).empty());
}

TEST_F(PassTest, EveryReachingCallHasARecordRightAfterIt) {
  auto module = ir("#include <string.h>\nextern int g(int); extern int (*fp)(int);\n"
                   "int f(int a, const char *s) { int x = g(a); int y = fp(x);"
                   " return x + y + a + (int)strlen(s); }");
  ASSERT_TRUE(module);
  const Function &f = *module->getFunction("f");
  std::vector<const CallInst *> records = stackmaps(f);
  // The migration point, g and the indirect call; not strlen (a leaf).
  ASSERT_EQ(records.size(), 3u);
  for (const CallInst *record : records) {
    const auto *call = dyn_cast<CallBase>(record->getPrevNode());
    ASSERT_TRUE(call);
    EXPECT_FALSE(isa<IntrinsicInst>(call));
  }
  // Across g: a is live (used after); across the indirect call: x and a.
  const CallInst *afterG = nullptr, *afterFp = nullptr;
  for (const CallInst *record : records) {
    const auto *call = cast<CallBase>(record->getPrevNode());
    if (call->getCalledFunction() && call->getCalledFunction()->getName() == "g")
      afterG = record;
    if (!call->getCalledFunction())
      afterFp = record;
  }
  ASSERT_TRUE(afterG && afterFp);
  // id, shadow bytes, then each live value followed by its type code
  // (support/value_type.h).
  EXPECT_EQ(afterG->arg_size(), 2u + 2 * 2u); // a, s
  EXPECT_EQ(afterFp->arg_size(), 2u + 2 * 3u); // a, s, x
  auto typeOf = [](const CallInst *record, unsigned value) {
    ValueType type;
    uint64_t code = cast<ConstantInt>(record->getArgOperand(3 + 2 * value))->getZExtValue();
    EXPECT_TRUE(decode_value_type(code, type));
    return type;
  };
  EXPECT_EQ(typeOf(afterG, 0), (ValueType{ValueClass::Integer, 32}));  // a
  EXPECT_EQ(typeOf(afterG, 1), (ValueType{ValueClass::Pointer, 64})); // s
}

TEST_F(PassTest, LocalsMoveToTheShadowFrame) {
  auto module = ir("extern void use(int *); extern int setjmp(void *); extern char jb[];\n"
                   "int f(int n) { int x[4] = {n, n, n, n}; use(x); if (setjmp(jb)) return x[1];"
                   " use(x); return x[0]; }");
  ASSERT_TRUE(module);
  const Function &f = *module->getFunction("f");
  unsigned loads = 0, stores = 0, allocas = 0;
  for (const BasicBlock &block : f)
    for (const Instruction &inst : block) {
      allocas += isa<AllocaInst>(inst);
      if (const auto *load = dyn_cast<LoadInst>(&inst))
        loads += load->getPointerOperand()->getName() == "__xisa_ssp";
      if (const auto *store = dyn_cast<StoreInst>(&inst))
        stores += store->getPointerOperand()->getName() == "__xisa_ssp";
    }
  EXPECT_EQ(allocas, 0u);
  EXPECT_EQ(loads, 1u);
  // Push at entry, reset after setjmp, pop before each return.
  unsigned returns = 0;
  for (const BasicBlock &block : f)
    returns += isa<ReturnInst>(block.getTerminator());
  EXPECT_EQ(stores, 2u + returns);
  const auto *ssp = cast<GlobalVariable>(module->getNamedValue("__xisa_ssp"));
  EXPECT_EQ(ssp->getThreadLocalMode(), GlobalValue::InitialExecTLSModel);
}

TEST_F(PassTest, NonMigratableFunctionsWarnAndAreRecorded) {
  auto source = tmp.write("nonmig.c", "extern void use(int *);\n"
                                      "int vla(int n) { int x[n]; use(x); return x[0]; }\n"
                                      "int fine(int n) { use(&n); return n; }\n");
  auto object = tmp.path() / "nonmig.o";
  RunResult result = compile(Isa::AArch64, source, object);
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("function 'vla' is not migratable (dynamic alloca"),
            std::string::npos)
      << result.output;
  EXPECT_EQ(result.output.find("'fine'"), std::string::npos) << result.output;

  auto binary = object::ObjectFile::createObjectFile(object.string());
  ASSERT_TRUE(bool(binary));
  std::string nonmig;
  for (const object::SectionRef &section : binary->getBinary()->sections())
    if (section.getName() && *section.getName() == ".xisa.nonmig")
      nonmig = section.getContents()->str();
  EXPECT_EQ(nonmig, std::string("vla\0dynamic alloca (VLA or alloca())\0", 37));
}

// The same C must give the same call-site ids, with the same number and
// types of live values, on all three ISAs.
TEST_F(PassTest, CorpusCallSitesAgreeAcrossIsas) {
  std::map<uint64_t, std::vector<meta::LiveValue>> reference;
  for (Isa isa : kAllIsas) {
    auto object = tmp.path() / fmt::format("corpus.{}.o", name(isa));
    RunResult result = compile(isa, XISA_TEST_SOURCE_DIR "/corpus.c", object);
    ASSERT_EQ(result.status, 0) << result.output;
    auto binary = object::ObjectFile::createObjectFile(object.string());
    ASSERT_TRUE(bool(binary));
    std::map<uint64_t, std::vector<meta::LiveValue>> sites;
    for (const object::SectionRef &section : binary->getBinary()->sections())
      if (section.getName() && *section.getName() == ".llvm_stackmaps")
        for (const meta::StackMapRecord &record :
             meta::parse_stackmaps(arrayRefFromStringRef(*section.getContents())))
          EXPECT_TRUE(sites.emplace(record.id, record.live_values).second)
              << "duplicate id " << record.id;
    EXPECT_GT(sites.size(), 30u) << name(isa);
    if (isa == Isa::X86_64) {
      reference = sites;
      continue;
    }
    EXPECT_EQ(sites.size(), reference.size()) << name(isa);
    for (const auto &[id, values] : reference) {
      auto it = sites.find(id);
      ASSERT_NE(it, sites.end()) << name(isa) << " lacks call site " << id;
      EXPECT_EQ(meta::type_list(it->second), meta::type_list(values))
          << name(isa) << " call site " << id << " (x86_64 second)";
    }
  }
}
