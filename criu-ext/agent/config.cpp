#include "agent/config.h"
#include "agent/units.h"
#include "support/error.h"

#include <toml++/toml.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace xisa::agent {

const SliceConfig *AgentConfig::find_slice(std::string_view wanted) const {
  for (const SliceConfig &s : slices)
    if (s.name == wanted)
      return &s;
  return nullptr;
}

namespace {

std::string read_file(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    fail("cannot read '{}': {}", path, errno_text(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Field access that names the file and key in every error.
class Table {
public:
  Table(const toml::table &table, std::string_view source, std::string where)
      : table_(table), source_(source), where_(std::move(where)) {}

  std::optional<std::string> text(std::string_view key) const {
    const toml::node *node = table_.get(key);
    if (!node)
      return std::nullopt;
    if (auto value = node->value<std::string>())
      return *value;
    fail("{}: {}{} must be a string", source_, where_, key);
  }
  std::string required_text(std::string_view key) const {
    if (auto value = text(key))
      return *value;
    fail("{}: {}{} is missing", source_, where_, key);
  }
  std::optional<int64_t> integer(std::string_view key) const {
    const toml::node *node = table_.get(key);
    if (!node)
      return std::nullopt;
    if (auto value = node->value_exact<int64_t>())
      return *value;
    fail("{}: {}{} must be an integer", source_, where_, key);
  }
  std::optional<double> number(std::string_view key) const {
    const toml::node *node = table_.get(key);
    if (!node)
      return std::nullopt;
    if (auto value = node->value<double>())
      return *value;
    fail("{}: {}{} must be a number", source_, where_, key);
  }
  // Sizes and rates may be written as strings with units or plain integers.
  std::optional<uint64_t> amount(std::string_view key, uint64_t (*parse)(std::string_view)) const {
    const toml::node *node = table_.get(key);
    if (!node)
      return std::nullopt;
    try {
      if (auto value = node->value_exact<int64_t>(); value && *value >= 0)
        return static_cast<uint64_t>(*value);
      if (auto value = node->value<std::string>())
        return parse(*value);
    } catch (const Error &e) {
      fail("{}: {}{}: {}", source_, where_, key, e.what());
    }
    fail("{}: {}{} must be a size like \"256M\" or a non-negative integer", source_, where_, key);
  }
  void reject_unknown(std::initializer_list<std::string_view> known) const {
    for (auto &&[key, node] : table_) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end())
        fail("{}: unknown key {}{} (known: {})", source_, where_, key.str(),
             fmt::join(known, ", "));
    }
  }
  const toml::table &raw() const { return table_; }
  [[noreturn]] void error(std::string_view message) const {
    fail("{}: {}{}", source_, where_, message);
  }

private:
  const toml::table &table_;
  std::string_view source_;
  std::string where_;
};

bool valid_name(std::string_view name) {
  static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  return std::regex_match(name.begin(), name.end(), pattern);
}

SliceConfig parse_slice(std::string_view name, const Table &t, const HostFacts &host) {
  t.reject_unknown({"cpus", "mems", "memory", "cpu_quota", "max_containers", "io_weight",
                    "io_device", "io_read_bps", "io_write_bps", "net_rate"});
  SliceConfig s;
  s.name = name;
  if (!valid_name(name))
    t.error("slice name must be 1-32 of [A-Za-z0-9_.-], starting with a letter or digit");
  try {
    s.cpus = parse_cpu_list(t.required_text("cpus"));
  } catch (const Error &e) {
    t.error(e.what());
  }
  if (s.cpus.empty())
    t.error("cpus is empty: give at least one CPU");
  for (unsigned cpu : s.cpus)
    if (!host.cpus.contains(cpu))
      t.error(fmt::format("cpus names CPU {}, which this host does not have (online: {})", cpu,
                          format_cpu_list(host.cpus)));
  s.mems = t.text("mems").value_or("");
  if (!s.mems.empty())
    try {
      parse_cpu_list(s.mems); // same list syntax
    } catch (const Error &e) {
      t.error(fmt::format("mems: {}", e.what()));
    }
  auto memory = t.amount("memory", parse_bytes);
  if (!memory)
    t.error("memory is missing (e.g. memory = \"512M\")");
  if (*memory < (4u << 20))
    t.error("memory must be at least 4M");
  s.memory = *memory;
  s.cpu_quota = t.number("cpu_quota").value_or(0);
  if (s.cpu_quota < 0 || s.cpu_quota > static_cast<double>(s.cpus.size()))
    t.error(fmt::format("cpu_quota {} must be between 0 and the slice's {} CPUs", s.cpu_quota,
                        s.cpus.size()));
  int64_t max_containers = t.integer("max_containers").value_or(1);
  if (max_containers < 1 || max_containers > 1000)
    t.error("max_containers must be 1-1000");
  s.max_containers = static_cast<unsigned>(max_containers);
  int64_t io_weight = t.integer("io_weight").value_or(0);
  if (io_weight != 0 && (io_weight < 10 || io_weight > 1000))
    t.error("io_weight must be 10-1000");
  s.io_weight = static_cast<unsigned>(io_weight);
  s.io_device = t.text("io_device").value_or("");
  s.io_read_bps = t.amount("io_read_bps", parse_bytes).value_or(0);
  s.io_write_bps = t.amount("io_write_bps", parse_bytes).value_or(0);
  bool has_bps = s.io_read_bps || s.io_write_bps;
  static const std::regex device("[0-9]+:[0-9]+");
  if (has_bps && !std::regex_match(s.io_device, device))
    t.error("io_read_bps/io_write_bps need io_device = \"MAJOR:MINOR\" (see /proc/partitions)");
  if (!has_bps && !s.io_device.empty())
    t.error("io_device is set but neither io_read_bps nor io_write_bps is");
  s.net_rate = t.amount("net_rate", parse_bit_rate).value_or(0);
  return s;
}

void check_disjoint(const std::vector<SliceConfig> &slices, std::string_view source,
                    const HostFacts &host) {
  uint64_t memory = 0;
  for (size_t i = 0; i < slices.size(); ++i) {
    memory += slices[i].memory;
    for (size_t j = 0; j < i; ++j) {
      CpuSet shared;
      for (unsigned cpu : slices[i].cpus)
        if (slices[j].cpus.contains(cpu))
          shared.insert(cpu);
      if (!shared.empty())
        fail("{}: slices '{}' and '{}' overlap on CPUs {}: slices must be disjoint", source,
             slices[j].name, slices[i].name, format_cpu_list(shared));
    }
  }
  if (memory > host.memory)
    fail("{}: slices together ask for {} MiB of memory, but the host has {} MiB", source,
         memory >> 20, host.memory >> 20);
}

} // namespace

AgentConfig parse_config(std::string_view toml_text, std::string_view source,
                         const HostFacts &host) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error &e) {
    fail("{}:{}:{}: {}", source, e.source().begin.line, e.source().begin.column,
         e.description());
  }
  Table t(root, source, "");
  t.reject_unknown({"listen", "isa", "state_dir", "token_file", "name", "cgroup_parent",
                    "slices"});
  AgentConfig config;
  std::string listen = t.required_text("listen");
  try {
    config.listen = proto::parse_endpoint(listen);
  } catch (const Error &e) {
    t.error(fmt::format("listen: {}", e.what()));
  }
  std::string isa = t.required_text("isa");
  auto parsed = parse_isa(isa);
  if (!parsed)
    t.error(fmt::format("isa '{}' is not one of {}", isa, isa_names()));
  if (*parsed != host.isa)
    t.error(fmt::format("isa is '{}' but this host is {}", isa, name(host.isa)));
  config.isa = *parsed;
  config.state_dir = t.required_text("state_dir");
  config.token_file = t.required_text("token_file");
  config.name = t.text("name").value_or(host.hostname);
  if (!valid_name(config.name))
    t.error(fmt::format("name '{}' must be 1-32 of [A-Za-z0-9_.-]", config.name));
  config.cgroup_parent = t.text("cgroup_parent").value_or("xisa");
  if (!valid_name(config.cgroup_parent))
    t.error("cgroup_parent must be one directory name of [A-Za-z0-9_.-]");
  const toml::table *slices = root["slices"].as_table();
  if (!slices || slices->empty())
    t.error("no [slices.NAME] table: declare at least one slice");
  for (auto &&[key, node] : *slices) {
    const toml::table *table = node.as_table();
    std::string where = fmt::format("slices.{}.", key.str());
    if (!table)
      fail("{}: {} must be a table", source, where);
    config.slices.push_back(parse_slice(key.str(), Table(*table, source, where), host));
  }
  check_disjoint(config.slices, source, host);
  return config;
}

HostFacts read_host_facts() {
  HostFacts host;
  host.isa = host_isa();
  std::ifstream online("/sys/devices/system/cpu/online");
  std::string line;
  std::getline(online, line);
  host.cpus = parse_cpu_list(line);
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemTotal:") {
      host.memory = kib * 1024;
      break;
    }
    meminfo.ignore(256, '\n');
  }
  char hostname[256] = "host";
  ::gethostname(hostname, sizeof hostname - 1);
  host.hostname = hostname;
  std::replace_if(host.hostname.begin(), host.hostname.end(),
                  [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '-'; },
                  '-');
  host.hostname.resize(std::min<size_t>(host.hostname.size(), 32));
  return host;
}

AgentConfig load_config(const std::string &path) {
  return parse_config(read_file(path), path, read_host_facts());
}

} // namespace xisa::agent
