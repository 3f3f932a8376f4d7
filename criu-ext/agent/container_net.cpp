#include "agent/container_net.h"
#include "agent/command.h"
#include "support/error.h"


namespace xisa::agent {

ContainerNet container_net_for(const std::string &agent_name, const std::string &container,
                               uint64_t rate) {
  // FNV-1a: stable across builds, so a restarted agent derives the same name.
  uint32_t hash = 2166136261u;
  for (char c : agent_name + "/" + container)
    hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return {fmt::format("xisa-{}-{}", agent_name, container), fmt::format("xv{:08x}", hash), rate};
}

static std::vector<std::string> tbf(std::vector<std::string> prefix, const std::string &dev,
                                    uint64_t rate) {
  // Burst: 10 ms at the rate, but at least a few full-size frames.
  uint64_t burst = std::max<uint64_t>(rate / 8 / 100, 16384);
  prefix.insert(prefix.end(), {"qdisc", "replace", "dev", dev, "root", "tbf", "rate",
                               fmt::format("{}bit", rate), "burst", std::to_string(burst),
                               "latency", "50ms"});
  return prefix;
}

std::vector<std::vector<std::string>> container_net_commands(const ContainerNet &net) {
  std::vector<std::vector<std::string>> cmds = {
      {"ip", "netns", "add", net.netns},
      {"ip", "link", "add", net.host_veth, "type", "veth", "peer", "name", "eth0", "netns",
       net.netns},
      {"ip", "link", "set", net.host_veth, "up"},
      {"ip", "-n", net.netns, "link", "set", "lo", "up"},
      {"ip", "-n", net.netns, "link", "set", "eth0", "up"},
  };
  if (net.rate) {
    cmds.push_back(tbf({"tc"}, net.host_veth, net.rate));
    cmds.push_back(tbf({"tc", "-n", net.netns}, "eth0", net.rate));
  }
  return cmds;
}

void create_container_net(const ContainerNet &net) {
  try {
    for (const auto &cmd : container_net_commands(net))
      run_checked(cmd);
  } catch (const Error &e) {
    remove_container_net(net);
    fail("cannot set up the network of '{}': {}", net.netns, e.what());
  }
}

void remove_container_net(const ContainerNet &net) {
  run_command({"ip", "netns", "delete", net.netns});
}

} // namespace xisa::agent
