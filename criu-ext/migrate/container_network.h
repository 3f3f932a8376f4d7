// The container's network as migration sees it: the agent's named network
// namespace (agent/container_net.h) holding one veth, which whoever gave the
// container its address configured (MAC, addresses, default route, host end
// on a bridge). runc hands CRIU that namespace as external, so CRIU neither
// dumps nor restores it: the destination agent makes its own namespace and
// veth and this copies the configuration over, so the container keeps its
// address. The source takes its host end down while the container is away,
// so the address is never live on two hosts.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace xisa::migrate {

struct ContainerNetwork {
  std::string ifname; // inside the namespace; empty: only loopback
  std::string mac;
  std::vector<std::string> addresses; // "10.0.0.5/24"
  std::string gateway;                // default route, if any
  std::string host_veth;              // host end of the veth
  std::string bridge;                 // its master on the host

  nlohmann::json to_json() const;
  static ContainerNetwork from_json(const nlohmann::json &j);
};

// Reads the namespace at netns_path (and the host end of its veth).
ContainerNetwork read_network(const std::string &netns_path);

// Fails unless network's bridge (if any) exists in this agent's namespace.
void check_bridge(const ContainerNetwork &network);

// Gives the namespace at netns_path, whose veth (same ifname) the agent
// has made with host end host_veth, the MAC, addresses and default route of
// network, and puts host_veth on network's bridge.
void configure_network(const ContainerNetwork &network, const std::string &netns_path,
                       const std::string &host_veth);

// Takes the host end down (while the container is away) or up (it stays).
void set_host_link(const std::string &host_veth, bool up);

} // namespace xisa::migrate
