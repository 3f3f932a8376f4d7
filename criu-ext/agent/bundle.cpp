#include "agent/bundle.h"
#include "agent/slice_cgroup.h"
#include "support/error.h"

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using nlohmann::json;

namespace xisa::agent {

static unsigned long long device_number(const std::string &text, bool major) {
  size_t colon = text.find(':');
  return std::stoull(major ? text.substr(0, colon) : text.substr(colon + 1));
}

static json slice_resources(json resources, const Placement &p) {
  const SliceConfig &s = *p.slice;
  resources["memory"] = {{"limit", p.memory}};
  json cpu = {{"cpus", format_cpu_list(s.cpus)}};
  if (!s.mems.empty())
    cpu["mems"] = s.mems;
  if (s.cpu_quota > 0) {
    cpu["period"] = kCpuPeriodUs;
    cpu["quota"] = static_cast<int64_t>(s.cpu_quota * kCpuPeriodUs);
  }
  resources["cpu"] = cpu;
  json block = json::object();
  if (s.io_weight)
    block["weight"] = s.io_weight;
  auto throttle = [&](uint64_t rate) {
    return json::array({{{"major", device_number(s.io_device, true)},
                         {"minor", device_number(s.io_device, false)},
                         {"rate", rate}}});
  };
  if (s.io_read_bps)
    block["throttleReadBpsDevice"] = throttle(s.io_read_bps);
  if (s.io_write_bps)
    block["throttleWriteBpsDevice"] = throttle(s.io_write_bps);
  if (block.empty())
    resources.erase("blockIO");
  else
    resources["blockIO"] = block;
  return resources;
}

json derive_oci_config(json config, const std::string &user_bundle, const Placement &p) {
  if (!config.is_object() || !config.contains("root") || !config["root"].contains("path") ||
      !config["root"]["path"].is_string())
    fail("bundle '{}': config.json has no root.path (is it an OCI runtime config?)", user_bundle);
  fs::path rootfs = config["root"]["path"].get<std::string>();
  if (rootfs.is_relative())
    rootfs = fs::absolute(fs::path(user_bundle) / rootfs);
  if (!fs::is_directory(rootfs))
    fail("bundle '{}': root.path {} is not a directory", user_bundle, rootfs.string());
  config["root"]["path"] = rootfs.lexically_normal().string();
  config["process"]["terminal"] = false;

  json &linux_section = config["linux"];
  linux_section["cgroupsPath"] = p.cgroups_path;
  linux_section["resources"] = slice_resources(linux_section.value("resources", json::object()),
                                               p);
  json namespaces = json::array();
  for (const json &ns : linux_section.value("namespaces", json::array()))
    if (ns.value("type", "") != "network")
      namespaces.push_back(ns);
  namespaces.push_back({{"type", "network"}, {"path", p.netns_path}});
  linux_section["namespaces"] = namespaces;
  return config;
}

// True when the container has neither a cgroup namespace nor a cgroup
// mount: then all CRIU's cgroup handling would do is move the restored tasks
// into the cgroups runc already put the restoring CRIU in (the container's,
// in the destination's slice), after reading every controller's properties
// while the container was frozen and mounting each hierarchy on restore.
static bool cgroups_left_to_runc(const json &config) {
  for (const json &ns : config.value("linux", json::object()).value("namespaces", json::array()))
    if (ns.value("type", "") == "cgroup")
      return false;
  for (const json &m : config.value("mounts", json::array()))
    if (m.value("type", "") == "cgroup" || m.value("type", "") == "cgroup2")
      return false;
  return true;
}

// CRIU options that runc cannot pass itself; runc hands CRIU this file
// through the org.criu.config annotation, which overrides runc's own
// options. The network is locked with libnftables inside CRIU rather than
// with an iptables-restore process each way (0.1-0.2 s each on these
// machines, inside a migration's downtime). "manage-cgroups=ignore" (the
// option's argument is optional, and CRIU's file parser binds one only when
// written with '=') where cgroups_left_to_runc.
static std::string criu_config_text(const json &config) {
  std::string text = "network-lock nftables\n";
  if (cgroups_left_to_runc(config))
    text += "manage-cgroups=ignore\n";
  return text;
}

void write_agent_bundle(const std::string &user_bundle, const std::string &agent_bundle,
                        const Placement &placement) {
  std::string source = user_bundle + "/config.json";
  std::ifstream in(source);
  if (!in)
    fail("bundle '{}' has no readable config.json: {} (give an OCI bundle directory on the "
         "agent's host)",
         user_bundle, errno_text(errno));
  json user_config = json::parse(in, nullptr, false);
  if (user_config.is_discarded())
    fail("{} is not valid JSON", source);
  json derived = derive_oci_config(std::move(user_config), user_bundle, placement);
  std::error_code ec;
  fs::create_directories(agent_bundle, ec);
  if (ec)
    fail("cannot create {}: {}", agent_bundle, ec.message());
  std::string criu_config = agent_bundle + "/criu.conf";
  std::ofstream(criu_config) << criu_config_text(derived);
  derived["annotations"]["org.criu.config"] = criu_config;
  std::ofstream out(agent_bundle + "/config.json");
  out << derived.dump(2);
  if (!out)
    fail("cannot write {}/config.json", agent_bundle);
}

} // namespace xisa::agent
