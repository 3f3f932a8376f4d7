// What CRIU measured: its restore stats image (stats-restore in the work
// directory, decoded with CRIU's own stats.proto), the page counts the
// lazy-pages daemon writes to its log, and when things happened by its logs.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xisa::migrate {

struct RestoreStats {
  uint32_t restore_us = 0;
  uint64_t pages_restored = 0;
};

struct LazyStats {
  uint64_t pages_faulted = 0; // fetched because the restored task touched them
  uint64_t pages_total = 0;   // fetched in all: faults plus background push
};

// Reads <work_dir>/stats-restore; nullopt if CRIU wrote none.
std::optional<RestoreStats> read_restore_stats(const std::string &work_dir);
// Parses a `criu lazy-pages -v4` log.
LazyStats read_lazy_stats(const std::string &log_path);

// Log lines that mark the ends of the downtime.
inline constexpr std::string_view kFreezeStartLine = "Detected cgroup V"; // dump: freezing starts
inline constexpr std::string_view kFrozenLine = "freezing processes:";   // dump: all frozen
inline constexpr std::string_view kResumedLine = "Restore finished successfully. Tasks resumed.";

// Wall-clock time (seconds since the epoch) of the first line of a CRIU log
// (verbosity 4, as runc runs it) that contains marker. CRIU stamps lines
// relative to its log start; our patch 0003 logs that start as "Wall clock
// at log start: S.U". nullopt if the log, the anchor or the line is missing.
std::optional<double> criu_log_wall_time(const std::string &log_path, std::string_view marker);

} // namespace xisa::migrate
