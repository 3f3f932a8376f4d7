// Whether one more container fits in a slice: a slice holds at most
// max_containers, and the memory limits of its containers add up to at most
// the slice's memory.
#pragma once
#include "agent/config.h"
#include "agent/state_store.h"

#include <map>

namespace xisa::agent {

struct SliceLoad {
  unsigned containers = 0;
  uint64_t memory = 0; // sum of the containers' memory limits
};

SliceLoad slice_load(const std::map<std::string, ContainerRecord> &containers,
                     const std::string &slice);

// A container that asks for no memory gets an equal share of the slice.
uint64_t default_container_memory(const SliceConfig &slice);

// Throws xisa::Error saying what is exhausted when `memory` more does not fit.
void check_admission(const SliceConfig &slice, const SliceLoad &load, uint64_t memory);

} // namespace xisa::agent
