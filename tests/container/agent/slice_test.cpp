#include "agent/bundle.h"
#include "agent/cgroup_fs.h"
#include "agent/container_net.h"
#include "agent/slice_admission.h"
#include "agent/slice_cgroup.h"
#include "agent/usage.h"
#include "support/error.h"
#include "temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

using namespace xisa::agent;
using nlohmann::json;
using testing::HasSubstr;

namespace {

SliceConfig web_slice() {
  SliceConfig s;
  s.name = "web";
  s.cpus = {2, 3};
  s.memory = 512u << 20;
  s.cpu_quota = 1.5;
  s.max_containers = 2;
  s.io_device = "254:0";
  s.io_read_bps = 1000000;
  s.io_write_bps = 2000000;
  s.net_rate = 20000000;
  return s;
}

AgentConfig config_with(const SliceConfig &slice) {
  AgentConfig c;
  c.name = "h1";
  c.cgroup_parent = "xisa-test";
  c.slices = {slice};
  return c;
}

} // namespace

TEST(CgroupFs, DetectsHybridAsV1AndUnifiedAsV2) {
  TempDir dir;
  dir.write("hybrid",
            "25 24 0:22 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
            "26 25 0:23 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu\n"
            "27 25 0:24 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
            "28 25 0:25 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n"
            "29 25 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
  CgroupFs v1 = CgroupFs::detect(dir.str() + "/hybrid");
  EXPECT_FALSE(v1.v2);
  EXPECT_EQ(v1.v1_mounts.at("cpu"), "/sys/fs/cgroup/cpu");
  EXPECT_EQ(v1.v1_mounts.at("memory"), "/sys/fs/cgroup/memory");
  EXPECT_FALSE(v1.v1_mounts.contains("name=systemd"));
  EXPECT_EQ(v1.dir("memory", "/xisa/web"), "/sys/fs/cgroup/memory/xisa/web");
  EXPECT_THAT([&] { v1.dir("blkio", "/x"); },
              testing::ThrowsMessage<xisa::Error>(HasSubstr("'blkio' is not mounted")));

  dir.write("unified", "30 24 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n");
  CgroupFs v2 = CgroupFs::detect(dir.str() + "/unified");
  EXPECT_TRUE(v2.v2);
  EXPECT_EQ(v2.dir("memory", "/xisa/web"), "/sys/fs/cgroup/xisa/web");

  dir.write("none", "31 24 0:28 / / rw - ext4 /dev/vda rw\n");
  EXPECT_THROW(CgroupFs::detect(dir.str() + "/none"), xisa::Error);
}

TEST(SliceCgroup, WritesV2LimitsUnderAFakeRoot) {
  TempDir root;
  CgroupFs cg;
  cg.v2 = true;
  cg.v2_root = root.str();
  cg.real = false;
  SliceConfig s = web_slice();
  AgentConfig c = config_with(s);
  apply_slice(cg, c, s);
  const char *controllers = "+cpuset +cpu +io +memory +pids";
  EXPECT_EQ(root.read("cgroup.subtree_control"), controllers);
  EXPECT_EQ(root.read("xisa-test/cgroup.subtree_control"), controllers);
  EXPECT_EQ(root.read("xisa-test/web/cgroup.subtree_control"), controllers);
  EXPECT_EQ(root.read("xisa-test/web/cpuset.cpus"), "2-3");
  EXPECT_EQ(root.read("xisa-test/web/memory.max"), "536870912");
  EXPECT_EQ(root.read("xisa-test/web/cpu.max"), "150000 100000");
  EXPECT_EQ(root.read("xisa-test/web/io.max"), "254:0 rbps=1000000 wbps=2000000");
  EXPECT_FALSE(std::filesystem::exists(root.path / "xisa-test/web/io.weight"));
  EXPECT_FALSE(std::filesystem::exists(root.path / "xisa-test/web/cpuset.mems"));
}

TEST(SliceCgroup, V2WeightAndOneSidedBps) {
  SliceConfig s = web_slice();
  s.io_weight = 300;
  s.io_write_bps = 0;
  s.cpu_quota = 0;
  s.mems = "0";
  std::vector<CgroupSetting> got = slice_settings(true, s);
  auto find = [&](const std::string &file) {
    for (const CgroupSetting &g : got)
      if (g.file == file)
        return g.value;
    return std::string("<unset>");
  };
  EXPECT_EQ(find("io.weight"), "default 300");
  EXPECT_EQ(find("io.max"), "254:0 rbps=1000000 wbps=max");
  EXPECT_EQ(find("cpu.max"), "<unset>");
  EXPECT_EQ(find("cpuset.mems"), "0");
}

TEST(SliceCgroup, WritesV1LimitsUnderFakeMounts) {
  TempDir root;
  CgroupFs cg;
  cg.real = false;
  for (const char *c : {"cpuset", "cpu", "memory", "blkio"})
    cg.v1_mounts[c] = root.str() + "/" + c;
  root.write("cpuset/cpuset.cpus", "0-3\n");
  root.write("cpuset/cpuset.mems", "0\n");
  SliceConfig s = web_slice();
  apply_slice(cg, config_with(s), s);
  EXPECT_EQ(root.read("cpuset/xisa-test/cpuset.cpus"), "0-3\n");
  EXPECT_EQ(root.read("cpuset/xisa-test/web/cpuset.mems"), "0\n");
  EXPECT_EQ(root.read("cpuset/xisa-test/web/cpuset.cpus"), "2-3");
  EXPECT_EQ(root.read("memory/xisa-test/web/memory.limit_in_bytes"), "536870912");
  EXPECT_EQ(root.read("cpu/xisa-test/web/cpu.cfs_period_us"), "100000");
  EXPECT_EQ(root.read("cpu/xisa-test/web/cpu.cfs_quota_us"), "150000");
  EXPECT_EQ(root.read("blkio/xisa-test/web/blkio.throttle.read_bps_device"), "254:0 1000000");
  EXPECT_EQ(root.read("blkio/xisa-test/web/blkio.throttle.write_bps_device"), "254:0 2000000");
}

TEST(SliceCgroup, MissingControllerFileIsNamed) {
  TempDir root;
  CgroupFs cg;
  cg.v2 = true;
  cg.v2_root = root.str();
  cg.real = true; // files must exist, as on cgroupfs
  SliceConfig s = web_slice();
  s.io_weight = 100;
  EXPECT_THAT([&] { apply_slice(cg, config_with(s), s); },
              testing::ThrowsMessage<xisa::Error>(AllOf(
                  HasSubstr("cannot set up slice 'web'"), HasSubstr("does not exist"),
                  HasSubstr("io_weight needs a proportional-weight I/O controller"))));
}

TEST(SliceAdmission, RefusesOverCommit) {
  SliceConfig s = web_slice(); // 512M, 2 containers
  std::map<std::string, ContainerRecord> containers;
  containers["a"].slice = "web";
  containers["a"].memory = 384u << 20;
  containers["b"].slice = "other";
  containers["b"].memory = 1u << 30;
  SliceLoad load = slice_load(containers, "web");
  EXPECT_EQ(load.containers, 1u);
  EXPECT_EQ(load.memory, 384u << 20);
  EXPECT_NO_THROW(check_admission(s, load, 128u << 20));
  EXPECT_THAT([&] { check_admission(s, load, 256u << 20); },
              testing::ThrowsMessage<xisa::Error>(
                  HasSubstr("slice 'web' has 128 MiB of its 512 MiB memory left, but the "
                            "container asks for 256 MiB")));
  containers["c"].slice = "web";
  containers["c"].memory = 1;
  EXPECT_THAT([&] { check_admission(s, slice_load(containers, "web"), 1); },
              testing::ThrowsMessage<xisa::Error>(HasSubstr("slice 'web' is full")));
  EXPECT_EQ(default_container_memory(s), 256u << 20);
}

TEST(Bundle, DerivesConfigFromTheSlice) {
  TempDir bundle;
  std::filesystem::create_directories(bundle.path / "rootfs");
  json user = json::parse(R"({
    "root": {"path": "rootfs"},
    "process": {"terminal": true, "args": ["/bin/sh"]},
    "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}],
              "resources": {"devices": [{"allow": false, "access": "rwm"}]}}})");
  SliceConfig s = web_slice();
  json got = derive_oci_config(user, bundle.str(),
                               {&s, "/xisa-test/web/c1", 128u << 20, "/run/netns/xisa-h1-c1"});
  EXPECT_EQ(got["root"]["path"], (bundle.path / "rootfs").string());
  EXPECT_EQ(got["process"]["terminal"], false);
  EXPECT_EQ(got["linux"]["cgroupsPath"], "/xisa-test/web/c1");
  const json &r = got["linux"]["resources"];
  EXPECT_EQ(r["memory"]["limit"], 128u << 20);
  EXPECT_EQ(r["cpu"]["cpus"], "2-3");
  EXPECT_EQ(r["cpu"]["quota"], 150000);
  EXPECT_EQ(r["cpu"]["period"], 100000);
  EXPECT_EQ(r["blockIO"]["throttleReadBpsDevice"][0]["major"], 254);
  EXPECT_EQ(r["blockIO"]["throttleReadBpsDevice"][0]["rate"], 1000000);
  EXPECT_EQ(r["devices"][0]["access"], "rwm"); // the user's own entries stay
  json ns = got["linux"]["namespaces"];
  ASSERT_EQ(ns.size(), 2u);
  EXPECT_EQ(ns[1], json({{"type", "network"}, {"path", "/run/netns/xisa-h1-c1"}}));

  EXPECT_THAT([&] { derive_oci_config(json::object(), bundle.str(), {&s, "/x", 1, "/n"}); },
              testing::ThrowsMessage<xisa::Error>(HasSubstr("config.json has no root.path")));
  json missing_rootfs = user;
  missing_rootfs["root"]["path"] = "nothere";
  EXPECT_THAT([&] { derive_oci_config(missing_rootfs, bundle.str(), {&s, "/x", 1, "/n"}); },
              testing::ThrowsMessage<xisa::Error>(HasSubstr("is not a directory")));
  EXPECT_THAT([&] { write_agent_bundle("/nonexistent", bundle.str() + "/out", {&s, "/x", 1, "/n"}); },
              testing::ThrowsMessage<xisa::Error>(HasSubstr("has no readable config.json")));
}

// CRIU leaves cgroups to runc unless the container can see them (a cgroup
// namespace or mount), where CRIU's own handling must restore them.
TEST(Bundle, CriuLeavesCgroupsToRuncUnlessTheContainerSeesThem) {
  SliceConfig s = web_slice();
  auto criu_config = [&](const std::string &user_config) {
    TempDir bundle;
    std::filesystem::create_directories(bundle.path / "rootfs");
    std::ofstream(bundle.path / "config.json") << user_config;
    write_agent_bundle(bundle.str(), bundle.str() + "/out", {&s, "/x", 1, "/n"});
    std::ifstream in(bundle.path / "out" / "criu.conf");
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(criu_config(R"({"root": {"path": "rootfs"}, "linux": {"namespaces": [{"type": "pid"}]}})"),
            "network-lock nftables\nmanage-cgroups=ignore\n");
  EXPECT_EQ(criu_config(R"({"root": {"path": "rootfs"},
                            "linux": {"namespaces": [{"type": "pid"}, {"type": "cgroup"}]}})"),
            "network-lock nftables\n");
  EXPECT_EQ(criu_config(R"({"root": {"path": "rootfs"}, "linux": {},
                            "mounts": [{"destination": "/sys/fs/cgroup", "type": "cgroup"}]})"),
            "network-lock nftables\n");
}

TEST(ContainerNet, NamesFitAndCommandsShape) {
  ContainerNet net = container_net_for("host-a", "web1", 10000000);
  EXPECT_EQ(net.netns, "xisa-host-a-web1");
  EXPECT_LE(net.host_veth.size(), 15u);
  EXPECT_EQ(container_net_for("host-a", "web1", 0).host_veth, net.host_veth);
  EXPECT_NE(container_net_for("host-b", "web1", 0).host_veth, net.host_veth);
  auto cmds = container_net_commands(net);
  ASSERT_EQ(cmds.size(), 7u);
  EXPECT_THAT(cmds[5], testing::ElementsAre("tc", "qdisc", "replace", "dev", net.host_veth,
                                            "root", "tbf", "rate", "10000000bit", "burst",
                                            "16384", "latency", "50ms"));
  EXPECT_EQ(container_net_commands(container_net_for("h", "c", 0)).size(), 5u);
}

TEST(Usage, ReadsV2CountersAndVethTraffic) {
  TempDir root;
  root.write("cg/xisa/web/c1/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\n");
  root.write("cg/xisa/web/c1/memory.current", "1048576\n");
  root.write("cg/xisa/web/c1/io.stat",
             "254:0 rbytes=4096 wbytes=8192 rios=1 wios=2\n8:0 rbytes=1 wbytes=0\n");
  root.write("cg/xisa/web/c1/cgroup.procs", "10\n11\n");
  root.write("proc/net/dev",
             "Inter-|   Receive |  Transmit\n face |bytes packets\n"
             "    lo: 999 1 0 0 0 0 0 0 999 1 0 0 0 0 0 0\n"
             "xv1234: 100 1 0 0 0 0 0 0 700 2 0 0 0 0 0 0\n");
  CgroupFs cg;
  cg.v2 = true;
  cg.v2_root = root.str() + "/cg";
  json u = container_usage(cg, "/xisa/web/c1", "xv1234", root.str() + "/proc");
  EXPECT_DOUBLE_EQ(u["cpu_seconds"].get<double>(), 2.5);
  EXPECT_EQ(u["memory_bytes"], 1048576);
  EXPECT_EQ(u["io_read_bytes"], 4097);
  EXPECT_EQ(u["io_write_bytes"], 8192);
  EXPECT_EQ(u["pids"], 2);
  EXPECT_EQ(u["net_rx_bytes"], 700); // the container receives what the host end sends
  EXPECT_EQ(u["net_tx_bytes"], 100);
}

TEST(Usage, ReadsV1CountersAndHostTotals) {
  TempDir root;
  root.write("cpuacct/x/c/cpuacct.usage", "3000000000\n");
  root.write("memory/x/c/memory.usage_in_bytes", "2097152\n");
  root.write("memory/x/c/cgroup.procs", "5\n");
  root.write("blkio/x/c/blkio.throttle.io_service_bytes_recursive",
             "254:0 Read 512\n254:0 Write 1024\n254:0 Total 1536\nTotal 1536\n");
  CgroupFs cg;
  for (const char *c : {"cpuacct", "memory", "blkio"})
    cg.v1_mounts[c] = root.str() + "/" + c;
  json u = container_usage(cg, "/x/c", "none", root.str() + "/proc");
  EXPECT_DOUBLE_EQ(u["cpu_seconds"].get<double>(), 3.0);
  EXPECT_EQ(u["memory_bytes"], 2097152);
  EXPECT_EQ(u["io_read_bytes"], 512);
  EXPECT_EQ(u["io_write_bytes"], 1024);
  EXPECT_EQ(u["pids"], 1);

  root.write("proc/stat", "cpu  100 0 50 1000 0 0 0 0 0 0\n");
  root.write("proc/loadavg", "0.50 0.40 0.30 1/100 42\n");
  root.write("proc/meminfo", "MemTotal: 1000 kB\nMemFree: 10 kB\nMemAvailable: 500 kB\n");
  root.write("proc/net/dev", "h\nh\n  eth0: 10 0 0 0 0 0 0 0 20 0 0 0 0 0 0 0\n"
                             "    lo: 5 0 0 0 0 0 0 0 5 0 0 0 0 0 0 0\n");
  json h = host_usage(root.str() + "/proc");
  EXPECT_EQ(h["memory_total"], 1024000);
  EXPECT_EQ(h["memory_available"], 512000);
  EXPECT_DOUBLE_EQ(h["load1"].get<double>(), 0.5);
  EXPECT_EQ(h["net_rx_bytes"], 10);
  EXPECT_EQ(h["net_tx_bytes"], 20);
  EXPECT_GT(h["cpu_seconds"].get<double>(), 0);
}
