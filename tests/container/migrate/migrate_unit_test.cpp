// Unit tests of container migration's pieces that need no CRIU: the file
// set transfer, the page relay's commit/abort endings, CRIU stats parsing,
// the images gate, migration priority.
#include "migrate/criu_stats.h"
#include "migrate/file_set.h"
#include "migrate/images_gate.h"
#include "migrate/page_relay.h"
#include "migrate/priority.h"
#include "support/error.h"

#include "stats.pb-c.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace xisa;
using namespace xisa::migrate;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/xisa-migrate-unit-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

void write_file(const std::string &path, const std::string &text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::pair<proto::Connection, proto::Connection> connected_pair() {
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  return {proto::Connection(fds[0], "sender"), proto::Connection(fds[1], "receiver")};
}

// Reads everything until EOF.
std::string read_all(proto::Connection &conn) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(conn.fd(), buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  return out;
}

} // namespace

TEST(FileSet, TreeArrivesWithFilesDirsAndLinks) {
  TempDir src, dst;
  std::string big(300000, 'x');
  for (size_t i = 0; i < big.size(); i += 7)
    big[i] = static_cast<char>(i);
  write_file(src.path + "/images/pages-1.img", big);
  write_file(src.path + "/images/core-1.img", "core");
  write_file(src.path + "/rootfs/bin/busybox", "bb");
  fs::create_directories(src.path + "/rootfs/proc");
  fs::create_symlink("busybox", src.path + "/rootfs/bin/sh");

  FileSet set;
  add_tree(set, src.path + "/images", "images");
  add_tree(set, src.path + "/rootfs", "bundle/rootfs");
  EXPECT_EQ(set.total_bytes, big.size() + 4 + 2);

  auto [sender, receiver] = connected_pair();
  std::thread send([&, &sender = sender] { send_file_set(sender, {{"op", "migrate_in"}}, set); });
  proto::json request;
  try {
    request = receiver.read_message();
    receive_file_set(receiver, request["files"], dst.path);
  } catch (const Error &e) {
    ADD_FAILURE() << e.what();
  }
  send.join();

  EXPECT_EQ(request["bytes"], set.total_bytes);
  EXPECT_EQ(read_file(dst.path + "/images/pages-1.img"), big);
  EXPECT_EQ(read_file(dst.path + "/images/core-1.img"), "core");
  EXPECT_EQ(fs::read_symlink(dst.path + "/bundle/rootfs/bin/sh"), "busybox");
  EXPECT_TRUE(fs::is_directory(dst.path + "/bundle/rootfs/proc"));
}

TEST(FileSet, RefusesPathsOutsideTheRoot) {
  TempDir dst;
  auto [sender, receiver] = connected_pair();
  for (const char *bad : {"../escape", "/etc/passwd", "a/../../b", ""}) {
    proto::json manifest = proto::json::array({{{"path", bad}, {"size", 0}}});
    EXPECT_THROW(receive_file_set(receiver, manifest, dst.path), Error) << bad;
  }
  EXPECT_FALSE(fs::exists(dst.path + "/../escape"));
}

// A stand-in for CRIU's page server: records what the relay sends it.
struct FakePageServer {
  proto::Listener listener{proto::Endpoint{"127.0.0.1", 0}};
  std::string received;
  std::thread thread;

  // Answers reply once the first request (24 bytes) came, as CRIU would.
  void serve(const std::string &reply) {
    thread = std::thread([this, reply] {
      proto::Connection conn = listener.accept();
      if (!reply.empty()) {
        received.resize(24);
        EXPECT_EQ(::recv(conn.fd(), received.data(), 24, MSG_WAITALL), 24);
        ::send(conn.fd(), reply.data(), reply.size(), MSG_NOSIGNAL);
      }
      received += read_all(conn);
    });
  }
};

// The destination's lazy daemon: sends requests, reads the reply, closes.
std::string lazy_daemon(uint16_t relay_port, const std::string &requests, size_t reply_bytes) {
  proto::Connection conn = proto::connect_to({"127.0.0.1", relay_port});
  ::send(conn.fd(), requests.data(), requests.size(), MSG_NOSIGNAL);
  std::string got;
  char buf[256];
  while (got.size() < reply_bytes) {
    ssize_t n = ::read(conn.fd(), buf, sizeof buf);
    if (n <= 0)
      break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

TEST(PageRelay, CommitEndsTheTransferCleanly) {
  FakePageServer criu;
  criu.serve("PAGES");
  PageRelay relay("127.0.0.1");
  relay.start({"127.0.0.1", criu.listener.port()});
  std::string request(24, 'r');
  EXPECT_EQ(lazy_daemon(relay.port(), request + "partial", 5), "PAGES");
  relay.commit();
  relay.join();
  criu.thread.join();
  // Whole requests only, then the commit request (CRIU patch 0007: command
  // 0x1025, little-endian, the rest zero), then EOF: CRIU counts that as
  // success.
  std::string commit(24, '\0');
  commit[0] = '\x25';
  commit[1] = '\x10';
  EXPECT_EQ(criu.received, request + commit);
  EXPECT_EQ(relay.bytes_to_destination(), 5u);
  EXPECT_EQ(relay.bytes_from_destination(), 24u + 7u);
}

TEST(PageRelay, AbortSendsAnInvalidRequest) {
  FakePageServer criu;
  criu.serve("P");
  PageRelay relay("127.0.0.1");
  relay.start({"127.0.0.1", criu.listener.port()});
  std::string request(24, 'r');
  lazy_daemon(relay.port(), request, 1);
  relay.abort();
  relay.join();
  criu.thread.join();
  EXPECT_EQ(criu.received, request + std::string(24, '\xff'));
}

TEST(PageRelay, AbortWithoutDestinationStillEndsCriu) {
  FakePageServer criu;
  criu.serve("");
  {
    PageRelay relay("127.0.0.1");
    relay.start({"127.0.0.1", criu.listener.port()});
  } // destroyed undecided: aborts
  criu.thread.join();
  EXPECT_EQ(criu.received, std::string(24, '\xff'));
}

TEST(CriuStats, ReadsRestoreStatsImage) {
  TempDir dir;
  EXPECT_FALSE(read_restore_stats(dir.path));

  RestoreStatsEntry restore = RESTORE_STATS_ENTRY__INIT;
  restore.restore_time = 301611;
  restore.has_pages_restored = true;
  restore.pages_restored = 7;
  StatsEntry entry = STATS_ENTRY__INIT;
  entry.restore = &restore;
  std::string body(stats_entry__get_packed_size(&entry), '\0');
  stats_entry__pack(&entry, reinterpret_cast<uint8_t *>(body.data()));
  uint32_t head[3] = {0x55105940, 0x57093306, static_cast<uint32_t>(body.size())};
  write_file(dir.path + "/stats-restore",
             std::string(reinterpret_cast<char *>(head), sizeof head) + body);

  auto stats = read_restore_stats(dir.path);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->restore_us, 301611u);
  EXPECT_EQ(stats->pages_restored, 7u);

  write_file(dir.path + "/stats-restore", "not an image");
  EXPECT_THROW(read_restore_stats(dir.path), Error);
}

TEST(CriuStats, CountsFaultsAndTransferredPages) {
  TempDir dir;
  write_file(dir.path + "/lazy.log",
             "(01.0) uffd: 1-12: #PF at 0x7fff6be0a000\n"
             "(01.1) pr1-1 Read 7fde940d0000 304 pages\n"
             "(01.2) uffd: 1-12: #PF at 0x7fff6be0b000\n"
             "(01.3) uffd: 1-12: UFFD transferred pages: (16387/16387)\n");
  LazyStats stats = read_lazy_stats(dir.path + "/lazy.log");
  EXPECT_EQ(stats.pages_faulted, 2u);
  EXPECT_EQ(stats.pages_total, 16387u);
}

TEST(CriuLog, WallTimeOfAMarkedLineFromTheLogStartAnchor) {
  TempDir dir;
  // RPC mode logs twice: the second anchor is the one later lines count from.
  write_file(dir.path + "/dump.log",
             "(00.000100) Version: 4.1.1 (gitid 0)\n"
             "(00.000120) Wall clock at log start: 1000.000000\n"
             "(00.000100) Version: 4.1.1 (gitid 0)\n"
             "(00.000120) Wall clock at log start: 2000.500000\n"
             "(00.180540) Detected cgroup V1 freezer\n"
             "(00.250000) Detected cgroup V1 freezer\n");
  std::optional<double> at = criu_log_wall_time(dir.path + "/dump.log", kFreezeStartLine);
  ASSERT_TRUE(at);
  EXPECT_NEAR(*at, 2000.68054, 1e-6);
  EXPECT_FALSE(criu_log_wall_time(dir.path + "/dump.log", kResumedLine));
  EXPECT_FALSE(criu_log_wall_time(dir.path + "/missing.log", kFreezeStartLine));
}

TEST(CriuLog, NoWallTimeWithoutTheAnchor) {
  TempDir dir;
  write_file(dir.path + "/restore.log",
             "(00.720845) Restore finished successfully. Tasks resumed.\n");
  EXPECT_FALSE(criu_log_wall_time(dir.path + "/restore.log", kResumedLine));
}

// What the patched CRIU does with CRIU_IMAGES_GATE: open, read one byte.
int read_gate_like_criu(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0)
    return -1;
  char byte;
  ssize_t n = ::read(fd, &byte, 1);
  ::close(fd);
  return static_cast<int>(n);
}

TEST(ImagesGate, HoldsTheReaderUntilOpened) {
  TempDir dir;
  ImagesGate gate(dir.path + "/restore.gate");
  EXPECT_EQ(gate.env(), "CRIU_IMAGES_GATE=" + dir.path + "/restore.gate");
  std::atomic<int> result{-2};
  std::thread reader([&] { result = read_gate_like_criu(dir.path + "/restore.gate"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(result.load(), -2); // still waiting
  gate.open();
  reader.join();
  EXPECT_EQ(result.load(), 1);
}

TEST(ImagesGate, ByteWaitsForAReaderThatComesLate) {
  TempDir dir;
  ImagesGate gate(dir.path + "/lazy.gate");
  gate.open();
  EXPECT_EQ(read_gate_like_criu(dir.path + "/lazy.gate"), 1);
}

TEST(ImagesGate, ClosingWithoutOpeningMakesTheReaderGiveUp) {
  TempDir dir;
  std::string path = dir.path + "/restore.gate";
  std::atomic<int> result{-2};
  std::thread reader;
  {
    ImagesGate gate(path);
    reader = std::thread([&] { result = read_gate_like_criu(path); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  reader.join();
  // End of file, or no FIFO if the reader came after the close: either way
  // CRIU fails instead of restoring.
  EXPECT_LE(result.load(), 0);
  EXPECT_FALSE(fs::exists(path));
}

// runc starts CRIU as its child: the gate counts as reached when a child of
// the process it was given opens it, as CRIU does (its read then blocks).
TEST(ImagesGate, ReachedWhenAChildOfTheStartedProcessOpensIt) {
  TempDir dir;
  std::string path = dir.path + "/restore.gate";
  ImagesGate gate(path);
  Child runc_like({"sh", "-c", "sleep 0.2; sh -c 'read x < " + path + "'; sleep 5"});
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(gate.wait_until_reached(runc_like, 5000));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  gate.open();
}

TEST(ImagesGate, NotReachedByAProcessThatNeverOpensIt) {
  TempDir dir;
  ImagesGate gate(dir.path + "/restore.gate");
  Child busy({"sleep", "5"});
  EXPECT_FALSE(gate.wait_until_reached(busy, 100));
  Child ended({"true"});
  EXPECT_FALSE(gate.wait_until_reached(ended, 5000)); // returns when it ends
}

// Needs root (CAP_SYS_NICE), as the container tests do; fails without it.
TEST(MigrationPriority, RaisesThreadAndSessionGroupWhileAMigrationRuns) {
  ASSERT_TRUE(fs::exists("/proc/self/autogroup")) << "kernel without autogroups";
  std::optional<int> before = autogroup_nice("/proc/self/autogroup");
  std::optional<int> raised = before ? std::optional(kMigrationNice) : std::nullopt;
  std::thread([&] {
    MigrationPriority outer;
    EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), kMigrationNice);
    EXPECT_EQ(autogroup_nice("/proc/self/autogroup"), raised);
    {
      MigrationPriority inner; // a second migration at the same time
    }
    EXPECT_EQ(autogroup_nice("/proc/self/autogroup"), raised);
  }).join();
  EXPECT_EQ(autogroup_nice("/proc/self/autogroup"), before);
}

// runc and CRIU stay in the agent's session and process group (killing the
// agent's group kills them), and so share its raised group.
TEST(MigrationPriority, ChildrenShareTheRaisedGroup) {
  bool in_autogroup = autogroup_nice("/proc/self/autogroup").has_value();
  MigrationPriority priority;
  Child criu_like({"sleep", "5"});
  EXPECT_EQ(autogroup_nice(fmt::format("/proc/{}/autogroup", criu_like.pid())),
            in_autogroup ? std::optional(kMigrationNice) : std::nullopt);
  EXPECT_EQ(::getsid(criu_like.pid()), ::getsid(0));
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(criu_like.pid())), kMigrationNice);
}

// A plain directory stands in for cgroupfs (CgroupFs::real = false).
TEST(CgroupCpuBoost, RaisesTheWeightsUpToTheRootAndPutsThemBack) {
  for (bool v2 : {false, true}) {
    TempDir dir;
    agent::CgroupFs fs;
    fs.real = false;
    fs.v2 = v2;
    fs.v2_root = dir.path;
    fs.v1_mounts["cpu"] = dir.path;
    std::string file = v2 ? "/cpu.weight" : "/cpu.shares";
    std::string highest = v2 ? "10000" : "262144";
    for (std::string cg : {"/agent", "/agent/slice", "/agent/slice/web"})
      write_file(dir.path + cg + file, cg == "/agent/slice" ? "512\n" : "1024\n");
    {
      CgroupCpuBoost boost(fs, "/agent/slice/web");
      for (std::string cg : {"/agent", "/agent/slice", "/agent/slice/web"})
        EXPECT_EQ(read_file(dir.path + cg + file), highest) << cg;
      EXPECT_FALSE(fs::exists(dir.path + file)); // the root has no weight
    }
    EXPECT_EQ(read_file(dir.path + "/agent" + file), "1024\n");
    EXPECT_EQ(read_file(dir.path + "/agent/slice" + file), "512\n");
    EXPECT_EQ(read_file(dir.path + "/agent/slice/web" + file), "1024\n");
  }
}
