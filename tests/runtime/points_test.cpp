// Point counting for scheduled hops (process/points.h): the --hop syntax,
// the schedule's checks, and the count a real program reports at exit.
#include "process/child.h"
#include "process/points.h"
#include "support/error.h"

#include <csignal>
#include <functional>
#include <gtest/gtest.h>
#include <optional>
#include <poll.h>

using namespace xisa;
using namespace xisa::process;

namespace {

const Executables &counter() {
  static Executables exes = find_executables(std::string(XISA_RT_TEST_BIN) + "/counter");
  return exes;
}

std::string error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

// Runs counter with `env` to its end (within 60 s) and returns its exit status.
int run_counter(Isa isa, const RuntimeEnv &env) {
  Child child = start_program(counter(), isa, {"4"}, env);
  pollfd exited = {child.pidfd.get(), POLLIN, 0};
  if (::poll(&exited, 1, 60000) != 1) {
    ::kill(child.pid, SIGKILL);
    reap(child);
    ADD_FAILURE() << "counter on " << name(isa) << " did not end within 60 s";
    return -1;
  }
  return exit_status_of(reap(child));
}

} // namespace

TEST(Hops, ParseTakesACountAndAnIsa) {
  Hop hop = parse_hop("1200:aarch64");
  EXPECT_EQ(hop.point, 1200u);
  EXPECT_EQ(hop.to, Isa::AArch64);
}

TEST(Hops, BadHopsAreRefusedSayingWhatIsExpected) {
  for (const char *text : {"1200", "0:x86_64", "x:aarch64", "12a:aarch64", ":ppc64le"})
    EXPECT_NE(error_of([&] { parse_hop(text); }).find("expected N:ISA"), std::string::npos) << text;
  EXPECT_NE(error_of([] { parse_hop("5:mips"); }).find("unknown ISA 'mips'"), std::string::npos);
  EXPECT_NE(error_of([] { PointCounter({{50, Isa::X86_64}, {50, Isa::PPC64LE}}); }).find("increasing order"),
            std::string::npos);
  std::vector<Hop> many;
  for (uint64_t i = 1; i <= kMaxHops + 1; i++)
    many.push_back({i, Isa::X86_64});
  EXPECT_NE(error_of([&] { PointCounter{many}; }).find("at most 16"), std::string::npos);
}

TEST(Hops, TheScheduleReachesTheFirstProcessOnly) {
  PointCounter points({{10, Isa::AArch64}, {300, Isa::X86_64}});
  auto var = [](const RuntimeEnv &env, const std::string &key) {
    for (const auto &[k, v] : env.vars)
      if (k == key)
        return v;
    return std::string("(unset)");
  };
  EXPECT_EQ(var(points.first_env(), "XISA_HOPS"), "10,300");
  EXPECT_EQ(var(points.restored_env(), "XISA_HOPS"), "(unset)");
  EXPECT_EQ(var(points.first_env(), "XISA_POINTS_FD"), var(points.restored_env(), "XISA_POINTS_FD"));
}

// The count a hop is placed by must not depend on the ISA the program runs
// on, and counting must not change how the program ends.
TEST(Hops, EveryIsaCountsTheSamePoints) {
  std::optional<uint64_t> first;
  for (Isa isa : kAllIsas) {
    PointCounter points({});
    ASSERT_EQ(run_counter(isa, points.first_env()), run_counter(isa, {})) << name(isa);
    std::optional<uint64_t> total = points.total();
    ASSERT_TRUE(total) << name(isa) << " reported no count";
    EXPECT_GT(*total, 4u) << name(isa);
    if (!first)
      first = total;
    EXPECT_EQ(*total, *first) << name(isa);
  }
}

// A schedule the runtime cannot use is ignored with a message: the program
// runs to its end instead of parking with nobody to serve it.
TEST(Hops, TheRuntimeIgnoresABadSchedule) {
  PointCounter points({});
  RuntimeEnv env = points.first_env();
  env.vars.emplace_back("XISA_HOPS", "5,3");
  EXPECT_EQ(run_counter(Isa::X86_64, env), run_counter(Isa::X86_64, {}));
  EXPECT_TRUE(points.total());
}
