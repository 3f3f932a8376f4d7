// The agent's copy of a container's OCI config: the user's config.json with
// the rootfs made absolute, no terminal, the cgroup inside the slice,
// resources derived from the slice, and the agent-made network namespace.
#pragma once
#include "agent/config.h"

#include <nlohmann/json.hpp>
#include <string>

namespace xisa::agent {

struct Placement {
  const SliceConfig *slice = nullptr;
  std::string cgroups_path; // "/<parent>/<slice>/<container>"
  uint64_t memory = 0;      // the container's memory limit
  std::string netns_path;
};

nlohmann::json derive_oci_config(nlohmann::json user_config, const std::string &user_bundle,
                                 const Placement &placement);

// Reads <user_bundle>/config.json and writes the derived one to
// <agent_bundle>/config.json.
void write_agent_bundle(const std::string &user_bundle, const std::string &agent_bundle,
                        const Placement &placement);

} // namespace xisa::agent
