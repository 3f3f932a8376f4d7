// The supervisor's pieces against real parked processes: the stream a
// parked program sends, its checks, its CRIU-image form, and restores that
// must refuse bad input without running anything.
#include "process/checkpoint_images.h"
#include "process/child.h"
#include "process/wire_stream.h"
#include "support/error.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace xisa;
using namespace xisa::process;
using namespace std::chrono_literals;

namespace {

const Executables &counter() {
  static Executables exes = find_executables(std::string(XISA_RT_TEST_BIN) + "/counter");
  return exes;
}

int run_to_end(Child &child) { return exit_status_of(reap(child)); }

// A counter parked a little way into its run; the caller resumes or retires it.
struct ParkedCounter {
  Child child;
  std::vector<uint8_t> bytes;

  ParkedCounter() : child(start_program(counter(), Isa::X86_64, {"8", "20"})) {
    std::this_thread::sleep_for(60ms);
    bytes = park(child, 10s).bytes;
  }
};

void expect_error(const std::function<void()> &f, const std::string &fragment) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning '" << fragment << "'";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

// Starts the counter restoring from raw bytes; returns its exit status.
int restore_raw(const std::vector<uint8_t> &bytes) {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  pid_t pid = launch({Isa::X86_64, counter().for_isa(Isa::X86_64), {}, {{"XISA_RESTORE_FD", std::to_string(fds[0])}}, {fds[0]}});
  ::close(fds[0]);
  ::signal(SIGPIPE, SIG_IGN);
  try {
    write_all(fds[1], bytes.data(), bytes.size(), "test stream");
  } catch (const Error &) {
    // A refusing process stops reading early; its exit status is the answer.
  }
  ::close(fds[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return exit_status_of(status);
}

} // namespace

TEST(Park, StreamDescribesTheProcessAndResumeKeepsItsResult) {
  Child plain = start_program(counter(), Isa::X86_64, {"8", "20"});
  int expected = run_to_end(plain);

  ParkedCounter parked;
  WireStream s = parse_wire(parked.bytes);
  EXPECT_EQ(s.isa(), Isa::X86_64);
  ASSERT_EQ(s.threads.size(), 1u);
  EXPECT_EQ(s.threads[0].state, uint32_t(XISA_THREAD_PARKED));
  bool pc_in_text = false, heap = false;
  for (const WireRegion &r : s.regions) {
    if ((r.table.flags & XISA_REGION_EXE) && (r.table.prot & XISA_PROT_EXEC))
      pc_in_text |= s.threads[0].regs.pc >= r.table.start && s.threads[0].regs.pc < r.table.end;
    heap |= (r.table.flags & XISA_REGION_HEAP) && r.has_contents();
  }
  EXPECT_TRUE(pc_in_text) << "the parked pc is not in the program's text";
  EXPECT_TRUE(heap) << "no heap region with contents";
  EXPECT_GT(s.present_bytes(), 0u);
  // Zero pages stay out: the 8 MiB stacks must not be sent whole.
  EXPECT_LT(s.byte_size(), 4u << 20);

  resume(parked.child);
  EXPECT_EQ(run_to_end(parked.child), expected);
}

TEST(Images, WireToCriuImagesAndBackIsLossless) {
  ParkedCounter parked;
  WireStream s = parse_wire(parked.bytes);
  resume(parked.child);
  run_to_end(parked.child);

  const auto &exe = counter().for_isa(Isa::X86_64);
  WireStream back = wire_from_images(images_from_wire(s, exe), exe);
  ASSERT_EQ(back.regions.size(), s.regions.size());
  for (size_t i = 0; i < s.regions.size(); i++) {
    SCOPED_TRACE(s.regions[i].name());
    EXPECT_EQ(back.regions[i].table.start, s.regions[i].table.start);
    EXPECT_EQ(back.regions[i].table.end, s.regions[i].table.end);
    EXPECT_EQ(back.regions[i].table.prot, s.regions[i].table.prot);
    EXPECT_EQ(back.regions[i].table.flags & ~uint32_t(XISA_REGION_RTSTACK),
              s.regions[i].table.flags & ~uint32_t(XISA_REGION_RTSTACK));
    EXPECT_TRUE(back.regions[i].data == s.regions[i].data);
  }
  ASSERT_EQ(back.threads.size(), 1u);
  EXPECT_EQ(std::memcmp(&back.threads[0].regs, &s.threads[0].regs, sizeof(xisa_regs)), 0);
  EXPECT_EQ(back.threads[0].tid_addr, s.threads[0].tid_addr);
  EXPECT_EQ(back.sigactions.size(), s.sigactions.size());
  EXPECT_EQ(back.header.brk, s.header.brk);
}

TEST(WireChecks, DamagedStreamsAreRefusedWithTheReason) {
  ParkedCounter parked;
  resume(parked.child);
  run_to_end(parked.child);
  std::vector<uint8_t> bytes = parked.bytes;

  expect_error([&] { parse_wire(std::span(bytes).first(bytes.size() / 2)); }, "truncated");
  std::vector<uint8_t> bad = bytes;
  bad[0] ^= 1;
  expect_error([&] { parse_wire(bad); }, "bad magic");
  WireStream s = parse_wire(bytes);
  s.regions[1].table.start += 1;
  expect_error([&] { parse_wire(serialize_wire(s)); }, "not page aligned");
  s = parse_wire(bytes);
  std::swap(s.regions[0], s.regions[1]);
  expect_error([&] { parse_wire(serialize_wire(s)); }, "overlaps");
}

TEST(Restore, RuntimeRefusesBadStreamsBeforeRunningAnything) {
  ParkedCounter parked;
  resume(parked.child);
  run_to_end(parked.child);
  const std::vector<uint8_t> &bytes = parked.bytes;
  WireStream s = parse_wire(bytes);

  // Ends inside the tables: refused before anything changed.
  EXPECT_EQ(restore_raw({bytes.begin(), bytes.begin() + 200}), 125);
  // Ends inside the memory contents: the process stops, it never runs on.
  EXPECT_EQ(restore_raw({bytes.begin(), bytes.end() - 5000}), 126);
  // Made for another ISA.
  WireStream other = s;
  other.header.isa = XISA_WIRE_AARCH64;
  EXPECT_EQ(restore_raw(serialize_wire(other)), 125);
  // A mapping above the range every ISA and qemu-user maps.
  WireStream high = s;
  WireRegion above;
  above.table.start = XISA_ADDRESS_LIMIT;
  above.table.end = XISA_ADDRESS_LIMIT + high.header.page_size;
  above.table.prot = XISA_PROT_READ | XISA_PROT_WRITE;
  auto after = std::find_if(high.regions.begin(), high.regions.end(),
                            [](const WireRegion &r) { return r.table.start >= XISA_ADDRESS_LIMIT; });
  high.regions.insert(after, above);
  EXPECT_EQ(restore_raw(serialize_wire(high)), 125);
  // Through the supervisor: the failure names the exit.
  expect_error([&] { start_restored(counter(), other, 20s); }, "before it ran");
}

TEST(Restore, SameIsaRestoreRunsToTheSameResult) {
  Child plain = start_program(counter(), Isa::X86_64, {"8", "20"});
  int expected = run_to_end(plain);
  ParkedCounter parked;
  WireStream s = parse_wire(parked.bytes);
  Child restored = start_restored(counter(), s, 20s);
  retire(parked.child);
  EXPECT_EQ(run_to_end(restored), expected);
}
