// A container's network: its own named network namespace, joined to the
// agent's by a veth pair whose both ends are shaped with tbf to the
// container's share of its slice's bandwidth.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace xisa::agent {

struct ContainerNet {
  std::string netns;     // name under /run/netns
  std::string host_veth; // host end, in the agent's namespace
  uint64_t rate = 0;     // bits/s each way; 0: unshaped

  std::string netns_path() const { return "/run/netns/" + netns; }
};

// Names that stay unique across agents on one machine and fit IFNAMSIZ.
ContainerNet container_net_for(const std::string &agent_name, const std::string &container,
                               uint64_t rate);

// The ip/tc commands that build it, in order.
std::vector<std::vector<std::string>> container_net_commands(const ContainerNet &net);

// Runs those commands; on failure removes what was made and rethrows.
void create_container_net(const ContainerNet &net);
// Deletes the namespace (the veth pair goes with it). Missing is fine.
void remove_container_net(const ContainerNet &net);

} // namespace xisa::agent
