#include "migrate/container_network.h"
#include "migrate/child.h"
#include "support/error.h"

#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>


namespace xisa::migrate {

namespace {

using json = nlohmann::json;

json ip_json(const std::string &netns_path, std::vector<std::string> args) {
  std::vector<std::string> argv;
  if (!netns_path.empty())
    argv = {"nsenter", "--net=" + netns_path};
  argv.insert(argv.end(), {"ip", "-j"});
  argv.insert(argv.end(), args.begin(), args.end());
  std::string out = run_checked(argv);
  return out.empty() ? json::array() : json::parse(out);
}

} // namespace

json ContainerNetwork::to_json() const {
  return {{"ifname", ifname},   {"mac", mac},           {"addresses", addresses},
          {"gateway", gateway}, {"host_veth", host_veth}, {"bridge", bridge}};
}

ContainerNetwork ContainerNetwork::from_json(const json &j) {
  ContainerNetwork n;
  n.ifname = j.value("ifname", "");
  n.mac = j.value("mac", "");
  n.addresses = j.value("addresses", std::vector<std::string>{});
  n.gateway = j.value("gateway", "");
  n.host_veth = j.value("host_veth", "");
  n.bridge = j.value("bridge", "");
  return n;
}

ContainerNetwork read_network(const std::string &netns_path) {
  ContainerNetwork n;
  int peer_index = -1;
  for (const json &link : ip_json(netns_path, {"-d", "address", "show"})) {
    if (link.value("ifname", "") == "lo")
      continue;
    if (!n.ifname.empty())
      fail("container network namespace {} has more than one interface ({}, {}); migration moves one veth",
           netns_path, n.ifname, link.value("ifname", ""));
    if (link.value("linkinfo", json::object()).value("info_kind", "") != "veth")
      fail("interface {} in {} is not a veth; migration can only re-plumb a veth",
           link.value("ifname", ""), netns_path);
    n.ifname = link.value("ifname", "");
    n.mac = link.value("address", "");
    peer_index = link.value("link_index", -1);
    for (const json &addr : link.value("addr_info", json::array()))
      if (addr.value("family", "") == "inet")
        n.addresses.push_back(addr.value("local", "") + "/" + std::to_string(addr.value("prefixlen", 32)));
  }
  if (n.ifname.empty())
    return n;
  for (const json &route : ip_json(netns_path, {"route", "show", "default"}))
    n.gateway = route.value("gateway", "");
  for (const json &link : ip_json("", {"link", "show"}))
    if (link.value("ifindex", -2) == peer_index) {
      n.host_veth = link.value("ifname", "");
      n.bridge = link.value("master", "");
    }
  if (n.host_veth.empty())
    fail("cannot find the host end of {}'s veth (peer index {}) in this agent's network namespace",
         n.ifname, peer_index);
  return n;
}

void check_bridge(const ContainerNetwork &network) {
  if (network.bridge.empty())
    return;
  if (run_quietly({"ip", "link", "show", "dev", network.bridge}) != 0)
    fail("bridge {} the container's veth was on does not exist on this host", network.bridge);
}

void configure_network(const ContainerNetwork &network, const std::string &netns_path,
                       const std::string &host_veth) {
  if (network.ifname.empty())
    return;
  check_bridge(network);
  std::vector<std::vector<std::string>> inside;
  if (!network.mac.empty())
    inside.push_back({"link", "set", network.ifname, "address", network.mac});
  for (const std::string &addr : network.addresses)
    inside.push_back({"address", "add", addr, "dev", network.ifname});
  if (!network.gateway.empty())
    inside.push_back({"route", "add", "default", "via", network.gateway});
  for (std::vector<std::string> &args : inside) {
    args.insert(args.begin(), {"nsenter", "--net=" + netns_path, "ip"});
    run_checked(args);
  }
  if (!network.bridge.empty())
    run_checked({"ip", "link", "set", host_veth, "master", network.bridge});
}

// An ioctl, not `ip link set`: both calls lie inside a migration's downtime,
// where starting a process cost 10-50 ms on a loaded host.
void set_host_link(const std::string &host_veth, bool up) {
  if (host_veth.empty())
    return;
  if (host_veth.size() >= IFNAMSIZ)
    fail("interface name '{}' is longer than the kernel's {} bytes", host_veth, IFNAMSIZ - 1);
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    fail("cannot open a socket to switch {} {}: {}", host_veth, up ? "up" : "down", std::strerror(errno));
  ifreq req{};
  std::memcpy(req.ifr_name, host_veth.c_str(), host_veth.size());
  bool ok = ioctl(sock, SIOCGIFFLAGS, &req) == 0;
  if (ok) {
    req.ifr_flags = static_cast<short>(up ? req.ifr_flags | IFF_UP : req.ifr_flags & ~IFF_UP);
    ok = ioctl(sock, SIOCSIFFLAGS, &req) == 0;
  }
  int err = errno;
  close(sock);
  if (!ok)
    fail("cannot switch interface {} {}: {}", host_veth, up ? "up" : "down", std::strerror(err));
}

} // namespace xisa::migrate
