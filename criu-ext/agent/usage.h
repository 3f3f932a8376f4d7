// Resource usage as the agent reports it: cumulative counters (CPU seconds,
// bytes) read from /proc and the container's cgroup, so a client can take
// rates from two samples.
#pragma once
#include "agent/cgroup_fs.h"

#include <nlohmann/json.hpp>
#include <string>

namespace xisa::agent {

// {"cpus", "cpu_seconds", "load1", "memory_total", "memory_available",
//  "net_rx_bytes", "net_tx_bytes"} from /proc (network: the agent's
// namespace, loopback excluded).
nlohmann::json host_usage(const std::string &proc = "/proc");

// {"cpu_seconds", "memory_bytes", "io_read_bytes", "io_write_bytes",
//  "pids", "net_rx_bytes", "net_tx_bytes"} for a container's cgroup; the
// network counts are seen from the container (its rx = host veth tx).
nlohmann::json container_usage(const CgroupFs &cg, const std::string &cgroup_path,
                               const std::string &host_veth,
                               const std::string &proc = "/proc");

} // namespace xisa::agent
