// Deterministic migration for `xisa run --hop N:ISA` and `--count-points`:
// the runtime counts the migration points its main thread passes (across
// migrations: the count lives in the program's memory), asks for a
// migration itself when the count reaches a hop's N, and writes the total to
// a pipe when the program exits (docs/design.md, "Scheduled hops").
#pragma once
#include "process/child.h"
#include "support/isa.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xisa::process {

struct Hop {
  uint64_t point = 0; // the main thread's count of migration points
  Isa to = Isa::X86_64;
};

// "N:ISA", e.g. "1200:aarch64".
Hop parse_hop(const std::string &text);

// The most hops one run takes (the runtime's RT_MAX_HOPS).
inline constexpr size_t kMaxHops = 16;

class PointCounter {
public:
  // Throws when the hops are not in increasing order of their points or too many.
  explicit PointCounter(std::vector<Hop> hops);

  const std::vector<Hop> &hops() const { return hops_; }
  // Environment of the program's first process (with the schedule) and of
  // each restored one (which takes the schedule from the memory it gets).
  RuntimeEnv first_env() const;
  RuntimeEnv restored_env() const;
  // The total the program wrote at exit; nullopt when it ended without
  // exit() (killed, _exit).
  std::optional<uint64_t> total() const;

private:
  std::vector<Hop> hops_;
  UniqueFd read_, write_;
};

} // namespace xisa::process
