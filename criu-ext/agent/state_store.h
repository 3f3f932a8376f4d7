// What the agent remembers about its containers, one JSON file each under
// <state_dir>/containers/, so a restarted agent knows them again; and the
// containers it lost (<state_dir>/lost/: a migration whose source was lost
// during post-copy), listed until `stop NAME` clears them.
#pragma once
#include "agent/container_net.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace xisa::agent {

struct ContainerRecord {
  std::string name;
  std::string slice;
  std::string user_bundle;  // as the client gave it
  std::string agent_bundle; // derived bundle runc runs
  std::string cgroups_path;
  uint64_t memory = 0; // reserved from the slice
  ContainerNet net;
  std::string created; // ISO 8601 UTC
};

void to_json(nlohmann::json &j, const ContainerRecord &r);
void from_json(const nlohmann::json &j, ContainerRecord &r);

class StateStore {
public:
  explicit StateStore(std::string state_dir); // creates its directories
  std::map<std::string, ContainerRecord> load() const;
  void save(const ContainerRecord &record) const; // atomically (write + rename)
  void erase(const std::string &name) const;      // record and derived bundle

  // entry: {name, error, lost_at, ...}, as `list` reports it.
  void save_lost(const nlohmann::json &entry) const;
  nlohmann::json lost() const; // array, by name
  bool erase_lost(const std::string &name) const;

  std::string bundle_dir(const std::string &name) const;
  std::string runc_root() const;
  std::string runc_log() const;

private:
  std::string record_path(const std::string &name) const;
  std::string lost_path(const std::string &name) const;
  std::string dir_;
};

} // namespace xisa::agent
