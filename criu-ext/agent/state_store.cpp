#include "agent/state_store.h"
#include "support/error.h"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace xisa::agent {

void to_json(json &j, const ContainerRecord &r) {
  j = {{"name", r.name},
       {"slice", r.slice},
       {"user_bundle", r.user_bundle},
       {"agent_bundle", r.agent_bundle},
       {"cgroups_path", r.cgroups_path},
       {"memory", r.memory},
       {"netns", r.net.netns},
       {"host_veth", r.net.host_veth},
       {"net_rate", r.net.rate},
       {"created", r.created}};
}

void from_json(const json &j, ContainerRecord &r) {
  r.name = j.at("name").get<std::string>();
  r.slice = j.at("slice").get<std::string>();
  r.user_bundle = j.at("user_bundle").get<std::string>();
  r.agent_bundle = j.at("agent_bundle").get<std::string>();
  r.cgroups_path = j.at("cgroups_path").get<std::string>();
  r.memory = j.at("memory").get<uint64_t>();
  r.net.netns = j.at("netns").get<std::string>();
  r.net.host_veth = j.at("host_veth").get<std::string>();
  r.net.rate = j.at("net_rate").get<uint64_t>();
  r.created = j.at("created").get<std::string>();
}

StateStore::StateStore(std::string state_dir) : dir_(std::move(state_dir)) {
  for (const char *sub : {"containers", "bundles", "runc", "lost"}) {
    std::error_code ec;
    fs::create_directories(fs::path(dir_) / sub, ec);
    if (ec)
      fail("cannot create state directory {}/{}: {}", dir_, sub, ec.message());
  }
}

std::string StateStore::record_path(const std::string &name) const {
  return dir_ + "/containers/" + name + ".json";
}
std::string StateStore::lost_path(const std::string &name) const {
  return dir_ + "/lost/" + name + ".json";
}
std::string StateStore::bundle_dir(const std::string &name) const {
  return dir_ + "/bundles/" + name;
}
std::string StateStore::runc_root() const { return dir_ + "/runc"; }
std::string StateStore::runc_log() const { return dir_ + "/runc.log"; }

std::map<std::string, ContainerRecord> StateStore::load() const {
  std::map<std::string, ContainerRecord> out;
  for (const auto &entry : fs::directory_iterator(dir_ + "/containers")) {
    if (entry.path().extension() != ".json")
      continue;
    std::ifstream in(entry.path());
    json j = json::parse(in, nullptr, false);
    try {
      if (j.is_discarded())
        fail("not JSON");
      ContainerRecord r = j.get<ContainerRecord>();
      out.emplace(r.name, std::move(r));
    } catch (const std::exception &e) {
      fail("container record {} is damaged ({}): fix or remove it", entry.path().string(),
           e.what());
    }
  }
  return out;
}

namespace {

void write_atomically(const std::string &path, const json &value) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << value.dump(2);
    if (!out)
      fail("cannot write {}", tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    fail("cannot rename {} to {}: {}", tmp, path, ec.message());
}

} // namespace

void StateStore::save(const ContainerRecord &record) const {
  write_atomically(record_path(record.name), record);
}

void StateStore::save_lost(const json &entry) const {
  write_atomically(lost_path(entry.at("name").get<std::string>()), entry);
}

json StateStore::lost() const {
  std::map<std::string, json> by_name;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(dir_ + "/lost", ec)) {
    if (entry.path().extension() != ".json")
      continue;
    std::ifstream in(entry.path());
    json j = json::parse(in, nullptr, false);
    if (!j.is_discarded() && j.contains("name"))
      by_name[j["name"].get<std::string>()] = j;
  }
  json out = json::array();
  for (auto &[name, j] : by_name)
    out.push_back(std::move(j));
  return out;
}

bool StateStore::erase_lost(const std::string &name) const {
  std::error_code ec;
  return fs::remove(lost_path(name), ec);
}

void StateStore::erase(const std::string &name) const {
  std::error_code ec;
  fs::remove(record_path(name), ec);
  fs::remove_all(bundle_dir(name), ec);
}

} // namespace xisa::agent
