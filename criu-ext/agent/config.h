// The agent's configuration file (TOML) and the slices it declares.
//
//   listen     = "127.0.0.1:7070"
//   isa        = "x86_64"            # must be this host's ISA
//   state_dir  = "/var/lib/xisa/agent"
//   token_file = "/etc/xisa/token"
//   name          = "host-a"         # optional: names netns/cgroups (default: hostname)
//   cgroup_parent = "xisa"           # optional: cgroup under which slices live
//
//   [slices.web]
//   cpus = "0-1"            # required, disjoint from every other slice
//   memory = "512M"         # required; all slices together fit in host memory
//   mems = "0"              # optional: NUMA nodes (default: all)
//   cpu_quota = 1.5         # optional: CPUs' worth of time (default: number of cpus)
//   max_containers = 4      # optional (default 1)
//   io_weight = 100         # optional: needs a proportional-weight I/O scheduler
//   io_device = "254:0"     # with io_read_bps / io_write_bps
//   io_read_bps = "50M"
//   io_write_bps = "20M"
//   net_rate = "100mbit"    # optional: shared out equally between max_containers
#pragma once
#include "agent/cpu_list.h"
#include "protocol/protocol.h"
#include "support/isa.h"

#include <cstdint>
#include <string>
#include <vector>

namespace xisa::agent {

struct SliceConfig {
  std::string name;
  CpuSet cpus;
  std::string mems; // empty: inherit the parent's
  uint64_t memory = 0;
  double cpu_quota = 0; // CPUs' worth; 0: no quota beyond the cpuset
  unsigned max_containers = 1;
  unsigned io_weight = 0; // 0: not set
  std::string io_device;  // "MAJ:MIN" the bps limits apply to
  uint64_t io_read_bps = 0;
  uint64_t io_write_bps = 0;
  uint64_t net_rate = 0; // bits/s for the whole slice; 0: unlimited
};

struct AgentConfig {
  std::string name;
  proto::Endpoint listen;
  Isa isa = Isa::X86_64;
  std::string state_dir;
  std::string token_file;
  std::string cgroup_parent = "xisa";
  std::vector<SliceConfig> slices;

  const SliceConfig *find_slice(std::string_view name) const;
};

// What the config is checked against.
struct HostFacts {
  Isa isa;
  CpuSet cpus;          // online CPUs
  uint64_t memory = 0;  // MemTotal
  std::string hostname;
};
HostFacts read_host_facts();

// Parses and checks a config; `source` names it in errors.
AgentConfig parse_config(std::string_view toml_text, std::string_view source,
                         const HostFacts &host);
AgentConfig load_config(const std::string &path);

} // namespace xisa::agent
