#include "agent/usage.h"

#include <fstream>
#include <sstream>
#include <unistd.h>

using nlohmann::json;

namespace xisa::agent {

namespace {

struct NetCounters {
  uint64_t rx = 0, tx = 0;
};

// /proc/net/dev: "  eth0: rx_bytes packets ... (8 rx fields) tx_bytes ...".
// A name of "" sums every interface but loopback.
NetCounters read_net_dev(const std::string &proc, const std::string &only) {
  std::ifstream in(proc + "/net/dev");
  NetCounters sum;
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    std::string dev = line.substr(0, colon);
    dev.erase(0, dev.find_first_not_of(' '));
    if (only.empty() ? dev == "lo" : dev != only)
      continue;
    std::istringstream fields(line.substr(colon + 1));
    uint64_t v[9] = {};
    for (uint64_t &x : v)
      fields >> x;
    sum.rx += v[0];
    sum.tx += v[8];
  }
  return sum;
}

// Sums "Read"/"Write" (v1 blkio) or "rbytes="/"wbytes=" (v2 io.stat) lines.
void read_io(const std::optional<std::string> &text, bool v2, uint64_t &read, uint64_t &write) {
  if (!text)
    return;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string device, field, value;
    fields >> device;
    if (v2) {
      while (fields >> field) {
        if (field.starts_with("rbytes="))
          read += std::stoull(field.substr(7));
        else if (field.starts_with("wbytes="))
          write += std::stoull(field.substr(7));
      }
    } else if (fields >> field >> value) {
      if (field == "Read")
        read += std::stoull(value);
      else if (field == "Write")
        write += std::stoull(value);
    }
  }
}

uint64_t first_number(const std::optional<std::string> &text) {
  return text && !text->empty() ? std::stoull(*text) : 0;
}

uint64_t v2_stat(const std::optional<std::string> &text, const std::string &key) {
  if (!text)
    return 0;
  std::istringstream in(*text);
  std::string k;
  uint64_t v;
  while (in >> k >> v)
    if (k == key)
      return v;
  return 0;
}

uint64_t count_lines(const std::optional<std::string> &text) {
  if (!text)
    return 0;
  uint64_t n = 0;
  for (char c : *text)
    n += c == '\n';
  return n;
}

} // namespace

json host_usage(const std::string &proc) {
  json usage;
  std::ifstream stat(proc + "/stat");
  std::string cpu;
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  usage["cpus"] = ::sysconf(_SC_NPROCESSORS_ONLN);
  usage["cpu_seconds"] = static_cast<double>(user + nice + system + irq + softirq + steal) / ticks;
  std::ifstream loadavg(proc + "/loadavg");
  double load1 = 0;
  loadavg >> load1;
  usage["load1"] = load1;
  std::ifstream meminfo(proc + "/meminfo");
  std::string key;
  uint64_t kib;
  while (meminfo >> key >> kib) {
    if (key == "MemTotal:")
      usage["memory_total"] = kib * 1024;
    else if (key == "MemAvailable:")
      usage["memory_available"] = kib * 1024;
    meminfo.ignore(256, '\n');
  }
  NetCounters net = read_net_dev(proc, "");
  usage["net_rx_bytes"] = net.rx;
  usage["net_tx_bytes"] = net.tx;
  return usage;
}

json container_usage(const CgroupFs &cg, const std::string &path, const std::string &host_veth,
                     const std::string &proc) {
  json usage;
  uint64_t io_read = 0, io_write = 0;
  if (cg.v2) {
    usage["cpu_seconds"] = static_cast<double>(v2_stat(cg.read("", path, "cpu.stat"),
                                                       "usage_usec")) / 1e6;
    usage["memory_bytes"] = first_number(cg.read("", path, "memory.current"));
    read_io(cg.read("", path, "io.stat"), true, io_read, io_write);
    usage["pids"] = count_lines(cg.read("", path, "cgroup.procs"));
  } else {
    usage["cpu_seconds"] =
        static_cast<double>(first_number(cg.read("cpuacct", path, "cpuacct.usage"))) / 1e9;
    usage["memory_bytes"] = first_number(cg.read("memory", path, "memory.usage_in_bytes"));
    read_io(cg.read("blkio", path, "blkio.throttle.io_service_bytes_recursive"), false, io_read,
            io_write);
    usage["pids"] = count_lines(cg.read("memory", path, "cgroup.procs"));
  }
  usage["io_read_bytes"] = io_read;
  usage["io_write_bytes"] = io_write;
  NetCounters veth = read_net_dev(proc, host_veth);
  usage["net_rx_bytes"] = veth.tx;
  usage["net_tx_bytes"] = veth.rx;
  return usage;
}

} // namespace xisa::agent
