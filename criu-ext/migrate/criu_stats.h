// What CRIU measured: its stats images (stats-dump, stats-restore in the
// work directory, decoded with CRIU's own stats.proto) and the page counts
// the lazy-pages daemon writes to its log.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace xisa::migrate {

struct DumpStats {
  uint32_t freezing_us = 0; // time to freeze the tasks
  uint32_t frozen_us = 0;   // time the tasks stayed frozen while CRIU dumped
  uint32_t memdump_us = 0;
  uint64_t pages_written = 0; // pages in the image files
  uint64_t pages_lazy = 0;    // pages left for the lazy-pages daemon
};

struct RestoreStats {
  uint32_t restore_us = 0;
  uint64_t pages_restored = 0;
};

struct LazyStats {
  uint64_t pages_faulted = 0; // fetched because the restored task touched them
  uint64_t pages_total = 0;   // fetched in all: faults plus background push
};

// Reads <work_dir>/stats-dump; nullopt if CRIU wrote none.
std::optional<DumpStats> read_dump_stats(const std::string &work_dir);
std::optional<RestoreStats> read_restore_stats(const std::string &work_dir);
// Parses a `criu lazy-pages -v4` log.
LazyStats read_lazy_stats(const std::string &log_path);

} // namespace xisa::migrate
