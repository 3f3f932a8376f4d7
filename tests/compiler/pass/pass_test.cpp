// XisaPass.so as clang-19 loads it: compile C snippets, inspect the IR and
// the stackmaps of the objects for all three ISAs.
#include "meta/meta_check.h"
#include "meta/stackmaps.h"
#include "pass/MigrationPoints.h"
#include "pass/PollUnroll.h"
#include "toolchain.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Dominators.h"
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

#include <array>
#include <map>

using namespace llvm;
using namespace xisa;
using namespace xisa::test;

namespace {

// Loops stay loops, so that each test sees the shape it names.
static const std::vector<std::string> kKeepLoops = {"-fno-unroll-loops", "-fno-vectorize"};

class PassTest : public ::testing::Test {
protected:
  TempDir tmp;
  LLVMContext context;

  // Compiles `source` to optimized, instrumented IR for `isa`.
  std::unique_ptr<Module> ir(const std::string &source, Isa isa = Isa::X86_64,
                             std::vector<std::string> flags = {}) {
    auto file = tmp.write("snippet.c", source);
    auto out = tmp.path() / "snippet.ll";
    flags.insert(flags.end(), {"-S", "-emit-llvm"});
    RunResult result = compile(isa, file, out, flags);
    EXPECT_EQ(result.status, 0) << result.output;
    SMDiagnostic error;
    std::unique_ptr<Module> module = parseIRFile(out.string(), error, context);
    EXPECT_TRUE(module) << error.getMessage().str();
    return module;
  }

  // Builds C `source` for x86-64 with its loops kept, links it with the stub
  // runtime (which counts points) and runs it; `output` gets what it printed.
  void runWithStub(const std::string &name, const std::string &source, std::string &output) {
    auto program = tmp.write(name + ".c", source);
    auto stub = tmp.write("stub.c", kStubRuntime);
    auto object = tmp.path() / (name + ".o"), exe = tmp.path() / name;
    RunResult built = compile(Isa::X86_64, program, object, kKeepLoops);
    ASSERT_EQ(built.status, 0) << built.output;
    RunResult linked = link(Isa::X86_64, {object, stub}, exe);
    ASSERT_EQ(linked.status, 0) << linked.output;
    RunResult ran = run({exe.string()});
    ASSERT_EQ(ran.status, 0) << ran.output;
    output = ran.output;
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

// The polls of `function` per innermost-loop-ness: {in innermost loops,
// in other loops, outside loops}.
static std::array<unsigned, 3> pollsByLoop(Function &function) {
  DominatorTree dominators(function);
  LoopInfo loops(dominators);
  std::array<unsigned, 3> polls{};
  for (const BasicBlock &block : function) {
    const Loop *loop = loops.getLoopFor(&block);
    polls[!loop ? 2 : loop->isInnermost() ? 0 : 1] += countPolls(block);
  }
  return polls;
}

TEST_F(PassTest, LoopsOfShortKnownTripCountGetNoPoints) {
  auto module = ir("int f(const int *v) { int s = 0; for (int i = 0; i < 16; i++)"
                   " s += v[i] * v[i + 1]; return s; }\n"
                   "int g(const int *v) { int s = 0; for (int i = 0; i < (1 << 20); i++)"
                   " s += v[i] * v[i + 1]; return s; }",
                   Isa::X86_64, kKeepLoops);
  ASSERT_TRUE(module);
  EXPECT_EQ(countPolls(*module->getFunction("f")), 0u);
  // Too long a run to go without a point.
  EXPECT_EQ(countPolls(*module->getFunction("g")), 1u);
}

TEST_F(PassTest, InnerLoopOfComputableTripCountPollsBetweenStrips) {
  auto module = ir("long f(const long *v, long n, long m) { long s = 0;\n"
                   "  for (long i = 0; i < n; i++) for (long j = 0; j < m; j++) s += v[j] ^ i;\n"
                   "  return s; }",
                   Isa::X86_64, kKeepLoops);
  ASSERT_TRUE(module);
  // The inner loop runs strips without a poll; the outer loop polls (on its
  // header) and so does the strip loop between strips.
  EXPECT_EQ(pollsByLoop(*module->getFunction("f")), (std::array<unsigned, 3>{0, 2, 0}));
}

TEST_F(PassTest, LoopsOfUnknownTripCountPollOnTheirHeader) {
  auto module = ir("struct node { struct node *next; long v; };\n"
                   "long f(const struct node *p) { long s = 0; for (; p; p = p->next) s += p->v;"
                   " return s; }",
                   Isa::X86_64, kKeepLoops);
  ASSERT_TRUE(module);
  Function &f = *module->getFunction("f");
  EXPECT_EQ(pollsByLoop(f), (std::array<unsigned, 3>{1, 0, 0}));
}

TEST_F(PassTest, LoopsBoundedByTheArrayTheyIndexGetNoPoints) {
  auto module = ir("extern void use(int *);\n"
                   "static int perm[12];\n"
                   "int flip(int k) { use(perm);\n"
                   "  for (int i = 0, j = k; i < j; i++, j--)\n"
                   "    { int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }\n"
                   "  use(perm); return perm[0]; }\n"
                   "static double body[5][7];\n"
                   "void pairs(double dt) { for (int i = 0; i < 5; i++)\n"
                   "  for (int j = i + 1; j < 5; j++)\n"
                   "    body[j][3] -= body[j][0] * body[i][1] * dt; }\n"
                   "int flipAny(int *perm, int k) {\n"
                   "  for (int i = 0, j = k; i < j; i++, j--)\n"
                   "    { int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }\n"
                   "  return perm[0]; }",
                   Isa::X86_64, kKeepLoops);
  ASSERT_TRUE(module);
  // perm has room for 12 ints: the flip loop runs at most 13 times.
  EXPECT_EQ(pollsByLoop(*module->getFunction("flip")), (std::array<unsigned, 3>{0, 0, 1}));
  // j indexes bodies[5]: the inner loop is short though ScalarEvolution
  // sees no constant bound on `4 - i`, so the loop nest is short too.
  EXPECT_EQ(pollsByLoop(*module->getFunction("pairs")), (std::array<unsigned, 3>{0, 0, 0}));
  // The same loop over memory of unknown size keeps a point.
  EXPECT_EQ(pollsByLoop(*module->getFunction("flipAny"))[0], 1u);
}

// Runs strip-mined loops of several lengths with a request always pending:
// the sums must not change, and the loop must reach a point once per
// kStripIterations iterations (its body is far below kLoopWork / 1024
// instructions, so strips have their full length).
TEST_F(PassTest, StripMinedLoopReachesAPointEveryStrip) {
  std::string output;
  runWithStub("strips", R"(
#include <stdio.h>
extern volatile int __xisa_poll;
extern volatile long __xisa_stub_points;
__attribute__((noinline)) long sum(const long *v, long n) {
  long s = 0;
  for (long i = 0; i < n; i++)
    s += v[i];
  return s;
}
static long v[5000];
int main(void) {
  static const long sizes[] = {0, 1, 1023, 1024, 1025, 2048, 2049, 5000};
  for (long i = 0; i < 5000; i++)
    v[i] = i;
  __xisa_poll = 1;
  for (int k = 0; k < 8; k++) {
    long before = __xisa_stub_points, n = sizes[k];
    long s = sum(v, n);
    printf("%ld %ld %ld\n", n, s, __xisa_stub_points - before);
  }
  return 0;
}
)", output);
  if (HasFatalFailure())
    return;
  std::string expected;
  const long strip = long(pass::kStripIterations);
  for (long n : {0L, 1L, 1023L, 1024L, 1025L, 2048L, 2049L, 5000L}) {
    long strips = n == 0 ? 1 : (n + strip - 1) / strip;
    expected += fmt::format("{} {} {}\n", n, n * (n - 1) / 2, strips - 1);
  }
  EXPECT_EQ(output, expected);
}

// A small loop without an exit count (pointer chasing) is unrolled and
// polls once per kPollUnroll iterations; each copy keeps its exit test, so
// lists of every length come out whole.
TEST_F(PassTest, SmallPollingLoopReachesAPointEveryFewIterations) {
  std::string output;
  runWithStub("chase", R"(
#include <stdio.h>
extern volatile int __xisa_poll;
extern volatile long __xisa_stub_points;
struct node { struct node *next; long v; };
__attribute__((noinline)) long sum(const struct node *p) {
  long s = 0;
  for (; p; p = p->next)
    s += p->v;
  return s;
}
static struct node nodes[20];
int main(void) {
  __xisa_poll = 1;
  for (int n = 0; n <= 9; n++) {
    for (int i = 0; i < n; i++)
      nodes[i] = (struct node){i + 1 < n ? &nodes[i + 1] : 0, i + 1};
    long before = __xisa_stub_points;
    long s = sum(n ? &nodes[0] : 0);
    printf("%d %ld %ld\n", n, s, __xisa_stub_points - before);
  }
  return 0;
}
)", output);
  if (HasFatalFailure())
    return;
  std::string expected;
  for (long n = 0; n <= 9; n++)
    expected += fmt::format("{} {} {}\n", n, n * (n + 1) / 2, (n + pass::kPollUnroll - 1) / pass::kPollUnroll);
  EXPECT_EQ(output, expected);
}

TEST_F(PassTest, LoopsThatCallAFunctionPollingOnEntryOnEveryIterationGetNoPoints) {
  auto module = ir("unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
                   "extern void move(int, int);\n"
                   "void hanoi(int n, int from, int to, int via) { if (n == 0) return;\n"
                   "  hanoi(n - 1, from, via, to); move(from, to); hanoi(n - 1, via, to, from); }\n"
                   "extern long g(long);\n"
                   "long each(long n) { long s = 0; for (long i = 0; i < n; i++) s += g(i);"
                   " return s; }",
                   Isa::X86_64, kKeepLoops);
  ASSERT_TRUE(module);
  // Tail recursion made loops of them; the entry point is all they have
  // (and the quick return's check of the flag, QuickReturn.h).
  EXPECT_EQ(pollsByLoop(*module->getFunction("fib")), (std::array<unsigned, 3>{0, 0, 2}));
  EXPECT_EQ(pollsByLoop(*module->getFunction("hanoi")), (std::array<unsigned, 3>{0, 0, 2}));
  // g is defined elsewhere and may have no point: the loop keeps its own
  // (between strips).
  std::array<unsigned, 3> each = pollsByLoop(*module->getFunction("each"));
  EXPECT_EQ(each[0] + each[1], 1u);
}

// count's loop calls depth (which polls on entry) only on negative
// elements, so the other iterations reach a point on their own path: a run
// reaches one point per element it adds without calling, besides the entry
// points of its calls.
TEST_F(PassTest, LoopsCallingFunctionsThatPollPollOnlyOnIterationsThatDoNot) {
  std::string output;
  runWithStub("calls", R"(
#include <stdio.h>
extern volatile int __xisa_poll;
extern volatile long __xisa_stub_points;
static long calls;
/* Not tail recursive (a subtraction after the call), so each level is a call. */
__attribute__((noinline)) long depth(long x) {
  calls++;
  return x <= 0 ? 0 : depth(x - 1) - x;
}
__attribute__((noinline)) long count(const long *v, long n) {
  calls++;
  long s = 0;
  for (long i = 0; i < n; i++)
    s += v[i] < 0 ? depth(-v[i]) : v[i];
  return s;
}
int main(void) {
  static const long v[] = {1, -5, 2, 3, -1, -2, 4, 5, 6, -3};
  __xisa_poll = 1;
  for (long n = 0; n <= 10; n += 5) {
    long before = __xisa_stub_points;
    calls = 0;
    long s = count(v, n);
    printf("%ld %ld %ld %ld\n", n, s, calls, __xisa_stub_points - before - calls);
  }
  return 0;
}
)", output);
  if (HasFatalFailure())
    return;
  // n, the sum, the calls (count's and depth's levels), the points beyond
  // one per call: the elements from 0 to 10 but the four negative ones.
  EXPECT_EQ(output, "0 0 1 0\n5 -10 9 3\n10 -4 16 6\n");
}

// An iteration of walk's loop that calls no f runs a pointer-chasing loop,
// which polls every few iterations (PollUnroll.h); its exit is the edge
// the outer loop's point goes on, so the point is placed before that loop
// is unrolled (the other order lost the edge: xisa-opt crashed on
// hashtable). Each even i, whose list is empty here, passes one point.
// fib returns at once for n < 2: that test is made before the entry point,
// where the return needs no frame; the quick side checks the flag and, when
// it is set, goes through the entry point. So every call still reaches a
// point while the flag is set, and the records stay as they were.
TEST_F(PassTest, QuickReturnBeforeTheEntryPointStillPollsOnEveryCall) {
  auto module = ir("unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
                   "extern long g(long);\n"
                   "long f(long *p) { if (!*p) return 0; return g(*p); }\n"
                   "long h(long n, _Bool up) { if (n <= 0) return 7;"
                   " long r = h(n - 1, !up); return up ? r + 1 : r * 2; }",
                   Isa::X86_64, kKeepLoops);
  ASSERT_TRUE(module);
  const Function &fib = *module->getFunction("fib");
  const auto *test = dyn_cast<BranchInst>(fib.getEntryBlock().getTerminator());
  ASSERT_TRUE(test && test->isConditional());
  const BasicBlock *quick = test->getSuccessor(0);
  EXPECT_EQ(countPolls(fib.getEntryBlock()), 0u) << "the test comes before any poll";
  ASSERT_EQ(countPolls(*quick), 1u);
  const auto *check = cast<BranchInst>(quick->getTerminator());
  EXPECT_TRUE(isa<ReturnInst>(check->getSuccessor(1)->getTerminator()))
      << "an unset flag returns at once";
  EXPECT_EQ(check->getSuccessor(0), test->getSuccessor(1)) << "a set flag takes the entry point";
  EXPECT_EQ(stackmaps(fib).size(), 2u) << "the entry point's record and the call's";
  // A test that reads memory stays after the point (a move may change what
  // it reads).
  EXPECT_EQ(countPolls(module->getFunction("f")->getEntryBlock()), 1u);
  // Nor one whose slow side would need a copy of an i1 argument (ppc64
  // keeps it in a condition-register bit across calls).
  EXPECT_EQ(countPolls(module->getFunction("h")->getEntryBlock()), 1u);

  std::string output;
  runWithStub("quick", R"(
#include <stdio.h>
extern volatile int __xisa_poll;
extern volatile long __xisa_stub_points;
__attribute__((noinline)) long tree(long x) { return x <= 0 ? 1 : tree(x - 1) + 3 * tree(x - 2); }
int main(void) {
  long calls[12] = {1, 3}; /* tree(1) calls tree(0) and tree(-1) */
  for (int n = 2; n < 12; n++)
    calls[n] = 1 + calls[n - 1] + calls[n - 2];
  __xisa_poll = 1;
  for (int n = 0; n < 12; n += 5) {
    long before = __xisa_stub_points;
    long value = tree(n);
    printf("%d %ld %ld\n", n, value, __xisa_stub_points - before - calls[n]);
  }
  return 0;
}
)", output);
  if (HasFatalFailure())
    return;
  // n, tree(n), the points beyond one per call: none.
  EXPECT_EQ(output, "0 1 0\n5 97 0\n10 6160 0\n");
}

TEST_F(PassTest, PointOnTheExitOfAnInnerPollingLoop) {
  std::string output;
  runWithStub("walk", R"(
#include <stdio.h>
extern volatile int __xisa_poll;
extern volatile long __xisa_stub_points;
struct node { struct node *next; long v; };
static long calls;
__attribute__((noinline)) long f(long x) {
  calls++;
  return x > 1 ? x - f(x - 2) : x; /* not tail recursive: a call per level */
}
__attribute__((noinline)) long walk(struct node **lists, long n) {
  calls++;
  long s = 0;
  for (long i = 0; i < n; i++) {
    if (i & 1) {
      s += f(i);
      continue;
    }
    for (struct node *p = lists[i]; p; p = p->next)
      s += p->v;
  }
  return s;
}
static struct node *lists[10];
int main(void) {
  __xisa_poll = 1;
  long before = __xisa_stub_points;
  long s = walk(lists, 10);
  printf("%ld %ld %ld\n", s, calls, __xisa_stub_points - before - calls);
  return 0;
}
)", output);
  if (HasFatalFailure())
    return;
  // f(i) for odd i in (i + 1) / 2 levels.
  EXPECT_EQ(output, "15 16 5\n");
}

TEST_F(PassTest, PointsInLoopsHaveColdBranches) {
  auto module = ir("int f(int *v, int n, int m) { int s = 0;\n"
                   "  for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) s += v[i] ^ j;\n"
                   "  return s; }");
  ASSERT_TRUE(module);
  const Function &f = *module->getFunction("f");
  // A leaf: no entry point, but both loops poll (the inner one between strips).
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

// The SLP vectorizer keeps x and y in one <2 x double> across g, and the
// code after g reloads it whole from its spill slot. The record names the
// vector itself, so that a transformer writes that slot; extracted elements
// would be copies of their own, and the slot no record names would keep
// the source's bytes (nbody's energies after a cross-ISA hop). Every ISA's
// backend takes the vector as a stackmap operand.
TEST_F(PassTest, VectorsLiveAcrossACallAreRecordedWhole) {
  const std::string source = "extern void g(void);\n"
                             "struct point { double x, y; };\n"
                             "void scale(struct point *p, double k) {\n"
                             "  double x = p->x * k, y = p->y * k;\n"
                             "  g();\n"
                             "  p->x = x + 1.5;\n"
                             "  p->y = y + 2.5;\n"
                             "}\n";
  for (Isa isa : kAllIsas) {
    SCOPED_TRACE(name(isa));
    auto module = ir(source, isa);
    ASSERT_TRUE(module);
    const CallInst *afterG = nullptr;
    for (const CallInst *record : stackmaps(*module->getFunction("scale")))
      if (const Function *callee = cast<CallBase>(record->getPrevNode())->getCalledFunction();
          callee && callee->getName() == "g")
        afterG = record;
    ASSERT_TRUE(afterG);
    // id, shadow bytes, p and its type, the vector and its type.
    ASSERT_EQ(afterG->arg_size(), 2u + 2 * 2u);
    const Value *vector = afterG->getArgOperand(4);
    ASSERT_TRUE(vector->getType()->isVectorTy())
        << "x and y are not one vector: did the SLP vectorizer run?";
    ValueType type;
    ASSERT_TRUE(decode_value_type(cast<ConstantInt>(afterG->getArgOperand(5))->getZExtValue(), type));
    EXPECT_EQ(type, (ValueType{ValueClass::Vector, 128}));
    auto file = tmp.write("vector.c", source);
    RunResult built = compile(isa, file, tmp.path() / "vector.o");
    EXPECT_EQ(built.status, 0) << built.output;
  }
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

// The runtime notes every jmp_buf (docs/design.md, "jmp_bufs"); the setjmp
// call keeps its record, where a longjmp resumes the frame.
TEST_F(PassTest, SetjmpGoesThroughTheRuntimeAndKeepsItsRecord) {
  for (Isa isa : kAllIsas) {
    SCOPED_TRACE(name(isa));
    auto module = ir("#include <setjmp.h>\nextern void use(int); jmp_buf b; sigjmp_buf s;\n"
                     "int f(int n) { if (setjmp(b) || _setjmp(b)) return n; use(n); return 0; }\n"
                     "int g(int n) { if (sigsetjmp(s, 0)) return n; use(n); return 1; }",
                     isa);
    ASSERT_TRUE(module);
    EXPECT_FALSE(module->getFunction("setjmp"));
    EXPECT_FALSE(module->getFunction("_setjmp"));
    EXPECT_FALSE(module->getFunction("sigsetjmp"));
    std::map<std::string, unsigned> recorded;
    for (const char *fn : {"f", "g"})
      for (const CallInst *record : stackmaps(*module->getFunction(fn))) {
        const auto *call = cast<CallBase>(record->getPrevNode());
        if (const Function *callee = call->getCalledFunction()) {
          EXPECT_TRUE(call->hasFnAttr(Attribute::ReturnsTwice) ||
                      !callee->getName().contains("setjmp"));
          recorded[callee->getName().str()]++;
        }
      }
    EXPECT_EQ(recorded["__xisa_setjmp"], 2u);
    EXPECT_EQ(recorded["__xisa_sigsetjmp"], 1u);
  }
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
