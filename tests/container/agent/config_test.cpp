#include "agent/config.h"
#include "agent/cpu_list.h"
#include "agent/units.h"
#include "support/error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace xisa::agent;
using testing::HasSubstr;

namespace {

HostFacts four_cpu_host() {
  return {xisa::Isa::X86_64, {0, 1, 2, 3}, uint64_t(8) << 30, "testhost"};
}

const char *kHeader = R"(
listen = "127.0.0.1:7070"
isa = "x86_64"
state_dir = "/var/lib/xisa"
token_file = "/etc/xisa/token"
)";

std::string error_of(const std::string &toml) {
  try {
    parse_config(toml, "agent.toml", four_cpu_host());
  } catch (const xisa::Error &e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST(CpuList, ParsesAndFormats) {
  EXPECT_EQ(parse_cpu_list("0-2,5\n"), (CpuSet{0, 1, 2, 5}));
  EXPECT_EQ(format_cpu_list({0, 1, 2, 5, 7, 8}), "0-2,5,7-8");
  EXPECT_EQ(format_cpu_list({}), "");
  EXPECT_THROW(parse_cpu_list("3-1"), xisa::Error);
  EXPECT_THROW(parse_cpu_list("a"), xisa::Error);
  EXPECT_THROW(parse_cpu_list("1,,2"), xisa::Error);
}

TEST(Units, ParsesSizesAndRates) {
  EXPECT_EQ(parse_bytes("256M"), 256u << 20);
  EXPECT_EQ(parse_bytes("1GiB"), 1u << 30);
  EXPECT_EQ(parse_bytes("4096"), 4096u);
  EXPECT_EQ(parse_bit_rate("10mbit"), 10000000u);
  EXPECT_EQ(parse_bit_rate("1Gbit"), 1000000000u);
  EXPECT_THROW(parse_bytes("12 parsecs"), xisa::Error);
  EXPECT_THROW(parse_bytes("M"), xisa::Error);
  EXPECT_THROW(parse_bit_rate("10mb/s"), xisa::Error);
}

TEST(Config, ParsesAFullConfig) {
  AgentConfig c = parse_config(std::string(kHeader) + R"(
name = "a1"
cgroup_parent = "xs"
[slices.web]
cpus = "0-1"
memory = "1G"
cpu_quota = 1.5
max_containers = 4
io_device = "254:0"
io_read_bps = "50M"
net_rate = "100mbit"
[slices.batch]
cpus = "2"
memory = 536870912
)",
                               "agent.toml", four_cpu_host());
  EXPECT_EQ(c.name, "a1");
  EXPECT_EQ(c.listen.port, 7070);
  EXPECT_EQ(c.cgroup_parent, "xs");
  ASSERT_EQ(c.slices.size(), 2u);
  const SliceConfig *web = c.find_slice("web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->cpus, (CpuSet{0, 1}));
  EXPECT_EQ(web->memory, 1u << 30);
  EXPECT_DOUBLE_EQ(web->cpu_quota, 1.5);
  EXPECT_EQ(web->max_containers, 4u);
  EXPECT_EQ(web->io_read_bps, 50u << 20);
  EXPECT_EQ(web->net_rate, 100000000u);
  EXPECT_EQ(c.find_slice("batch")->memory, 512u << 20);
  EXPECT_EQ(c.find_slice("batch")->max_containers, 1u);
  EXPECT_EQ(c.find_slice("nope"), nullptr);
}

TEST(Config, DefaultsNameToTheHost) {
  AgentConfig c = parse_config(std::string(kHeader) + "[slices.s]\ncpus = \"0\"\nmemory = \"64M\"\n",
                               "agent.toml", four_cpu_host());
  EXPECT_EQ(c.name, "testhost");
  EXPECT_EQ(c.cgroup_parent, "xisa");
}

TEST(Config, RefusesOverlappingSlices) {
  EXPECT_THAT(error_of(std::string(kHeader) + R"(
[slices.a]
cpus = "0-2"
memory = "64M"
[slices.b]
cpus = "2-3"
memory = "64M"
)"),
              HasSubstr("slices 'a' and 'b' overlap on CPUs 2"));
}

TEST(Config, RefusesMoreMemoryThanTheHostHas) {
  EXPECT_THAT(error_of(std::string(kHeader) + R"(
[slices.a]
cpus = "0"
memory = "6G"
[slices.b]
cpus = "1"
memory = "3G"
)"),
              HasSubstr("9216 MiB of memory, but the host has 8192 MiB"));
}

TEST(Config, NamesWhatIsWrong) {
  EXPECT_THAT(error_of("listen = [1"), HasSubstr("agent.toml:1:"));
  EXPECT_THAT(error_of(kHeader), HasSubstr("declare at least one slice"));
  EXPECT_THAT(error_of(std::string(kHeader) + "colour = \"red\"\n[slices.a]\ncpus=\"0\"\nmemory=\"64M\"\n"),
              HasSubstr("unknown key colour"));
  EXPECT_THAT(error_of(std::string(kHeader) + "[slices.a]\ncpus = \"7\"\nmemory = \"64M\"\n"),
              HasSubstr("CPU 7, which this host does not have (online: 0-3)"));
  EXPECT_THAT(error_of(std::string(kHeader) + "[slices.a]\ncpus = \"0\"\n"),
              HasSubstr("slices.a.memory is missing"));
  EXPECT_THAT(error_of(std::string(kHeader) + "[slices.a]\ncpus = \"0\"\nmemory = \"64X\"\n"),
              HasSubstr("slices.a.memory: size '64X' has an unknown unit"));
  EXPECT_THAT(error_of(std::string(kHeader) +
                       "[slices.a]\ncpus = \"0\"\nmemory = \"64M\"\ncpu_quota = 2.0\n"),
              HasSubstr("cpu_quota 2 must be between 0 and the slice's 1 CPUs"));
  EXPECT_THAT(error_of(std::string(kHeader) +
                       "[slices.a]\ncpus = \"0\"\nmemory = \"64M\"\nio_read_bps = \"1M\"\n"),
              HasSubstr("need io_device"));
  EXPECT_THAT(error_of(std::string(kHeader) + "[slices.\"a b\"]\ncpus = \"0\"\nmemory = \"64M\"\n"),
              HasSubstr("slice name must be"));
  std::string wrong_isa = kHeader;
  wrong_isa.replace(wrong_isa.find("x86_64"), 6, "ppc64le");
  EXPECT_THAT(error_of(wrong_isa + "[slices.a]\ncpus = \"0\"\nmemory = \"64M\"\n"),
              HasSubstr("isa is 'ppc64le' but this host is x86_64"));
  std::string bad_listen = kHeader;
  bad_listen.replace(bad_listen.find("127.0.0.1:7070"), 14, "localhost");
  EXPECT_THAT(error_of(bad_listen + "[slices.a]\ncpus = \"0\"\nmemory = \"64M\"\n"),
              HasSubstr("listen: address 'localhost' is not HOST:PORT"));
}

TEST(Config, MissingFileIsAClearError) {
  try {
    load_config("/nonexistent/agent.toml");
    FAIL() << "expected an error";
  } catch (const xisa::Error &e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot read '/nonexistent/agent.toml'"));
  }
}
