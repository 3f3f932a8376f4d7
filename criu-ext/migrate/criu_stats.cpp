#include "migrate/criu_stats.h"
#include "support/error.h"

#include "stats.pb-c.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>

namespace xisa::migrate {

namespace {

// CRIU's stats image: a u32 service-image magic, the u32 stats magic, then
// one size-prefixed StatsEntry (criu/include/magic.h, criu/protobuf.c).
constexpr uint32_t kServiceMagic = 0x55105940;
constexpr uint32_t kStatsMagic = 0x57093306;

struct Unpacked {
  void operator()(StatsEntry *entry) const { stats_entry__free_unpacked(entry, nullptr); }
};

std::unique_ptr<StatsEntry, Unpacked> read_stats(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return nullptr;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  uint32_t head[3];
  if (data.size() < sizeof head)
    fail("CRIU stats image {} is truncated", path);
  std::memcpy(head, data.data(), sizeof head);
  if (head[0] != kServiceMagic || head[1] != kStatsMagic || head[2] > data.size() - sizeof head)
    fail("{} is not a CRIU stats image (magic {:#x} {:#x})", path, head[0], head[1]);
  StatsEntry *entry = stats_entry__unpack(
      nullptr, head[2], reinterpret_cast<const uint8_t *>(data.data() + sizeof head));
  if (!entry)
    fail("CRIU stats image {} does not decode", path);
  return std::unique_ptr<StatsEntry, Unpacked>(entry);
}

} // namespace

std::optional<RestoreStats> read_restore_stats(const std::string &work_dir) {
  auto entry = read_stats(work_dir + "/stats-restore");
  if (!entry || !entry->restore)
    return std::nullopt;
  const RestoreStatsEntry &r = *entry->restore;
  return RestoreStats{r.restore_time, r.has_pages_restored ? r.pages_restored : 0};
}

LazyStats read_lazy_stats(const std::string &log_path) {
  // "uffd: 1-12: #PF at 0x7fff6be0a000" per fault (one page each), and
  // "UFFD transferred pages: (N/M)" once per task at the end.
  static const std::regex transferred(R"(UFFD transferred pages: \((\d+)/(\d+)\))");
  LazyStats stats;
  std::ifstream in(log_path);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (line.find("#PF at") != std::string::npos)
      ++stats.pages_faulted;
    else if (std::regex_search(line, m, transferred))
      stats.pages_total += std::stoull(m[1]);
  }
  return stats;
}

std::optional<double> criu_log_wall_time(const std::string &log_path, std::string_view marker) {
  static const std::regex stamp(R"(^\((\d+\.\d+)\) )");
  static const std::regex anchor(R"(Wall clock at log start: (\d+\.\d+))");
  std::ifstream in(log_path);
  std::optional<double> start;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, anchor))
      start = std::stod(m[1]); // a log started again (RPC mode) anchors anew
    else if (start && line.find(marker) != std::string::npos && std::regex_search(line, m, stamp))
      return *start + std::stod(m[1]);
  }
  return std::nullopt;
}

} // namespace xisa::migrate
