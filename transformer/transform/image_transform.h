// Rewrites a CRIU image set of a process parked by the xisa runtime for
// another ISA: every thread's frames, registers and TLS, the executable's
// file entry and mappings.
#pragma once
#include "images/image_set.h"
#include "transform/program.h"

#include <cstdint>
#include <string>
#include <vector>

namespace xisa::transform {

struct ThreadReport {
  uint32_t tid = 0;
  size_t frames = 0;
  uint64_t src_pc = 0, dst_pc = 0;
  uint64_t src_tp = 0, dst_tp = 0;
};

struct Report {
  std::vector<ThreadReport> threads;
  size_t exe_pages_dropped = 0;
};

// The executable a process of image set `set` ran (its mm's exe file).
std::string image_executable(const images::ImageSet &set);
// PROG.<isa> for PROG.<other isa>, the xisa-cc naming of one link's outputs.
std::string executable_for(const std::string &exe, Isa isa);

// Transforms set in place from src's ISA to dst's.
Report transform_image_set(images::ImageSet &set, const Program &src, const Program &dst);

} // namespace xisa::transform
