// When the runtime asks for a scheduled hop (runtime/src/request.c), built
// for the host: the main thread's point count decides it, and a hop must
// never be lost, or `xisa run --hop` ends with hops untaken.
#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>

extern "C" {
#include "rt.h"
// musl's signal return trampoline, which request.c names; never called here.
void __restore_rt(void) {}
}

namespace {

class ScheduledHops : public ::testing::Test {
protected:
  void SetUp() override { reset(); }
  void TearDown() override { reset(); }

  static void reset() {
    std::memset(&rt, 0, sizeof rt);
    rt.config.points_fd = -1; // rt_report_points, a destructor, writes nowhere
    __xisa_poll = 0;
  }
  static void schedule(std::initializer_list<uint64_t> points) {
    for (uint64_t point : points)
      rt.points.hop_at[rt.points.nr_hops++] = point;
    rt.points.counting = 1;
  }
  static void pass(int points) {
    for (int i = 0; i < points; i++)
      rt_count_point();
  }
  static bool requested() { return rt.migration.requested != 0; }
  // The request is served: the process moved (a restored one starts with
  // no request) and polls only to count.
  static void serve() {
    std::memset(&rt.migration, 0, sizeof rt.migration);
    __xisa_poll = rt_poll_at_rest();
  }
};

TEST_F(ScheduledHops, AHopIsAskedForAtItsPoint) {
  schedule({3, 7});
  pass(2);
  EXPECT_FALSE(requested());
  pass(1);
  EXPECT_TRUE(requested());
  EXPECT_EQ(int32_t(__xisa_poll), 1);
  serve();
  pass(3);
  EXPECT_FALSE(requested());
  pass(1);
  EXPECT_TRUE(requested());
  EXPECT_EQ(rt.points.passed, 7u);
}

// cb7d9cb: the main thread could not park at hop 1's point (a frame without
// a record: a callback under libc, a poll before its record) and passed hop
// 2's point while the request still waited. Taking hop 2 then dropped it:
// the restored process never asked again ('it ended before hop 2').
TEST_F(ScheduledHops, AHopDueWhileTheLastStillWaitsIsAskedForAfterIt) {
  schedule({5, 6});
  pass(5);
  EXPECT_TRUE(requested());
  pass(1);
  EXPECT_EQ(rt.points.next_hop, 1u);
  serve();
  pass(1);
  EXPECT_TRUE(requested());
  EXPECT_EQ(rt.points.next_hop, 2u);
}

} // namespace
