#include "agent/slice_admission.h"
#include "support/error.h"

namespace xisa::agent {

SliceLoad slice_load(const std::map<std::string, ContainerRecord> &containers,
                     const std::string &slice) {
  SliceLoad load;
  for (const auto &[name, record] : containers) {
    if (record.slice != slice)
      continue;
    ++load.containers;
    load.memory += record.memory;
  }
  return load;
}

uint64_t default_container_memory(const SliceConfig &slice) {
  return slice.memory / slice.max_containers;
}

void check_admission(const SliceConfig &slice, const SliceLoad &load, uint64_t memory) {
  if (load.containers >= slice.max_containers)
    fail("slice '{}' is full: it holds {} of at most {} containers (stop one, or use another "
         "slice)",
         slice.name, load.containers, slice.max_containers);
  if (memory == 0)
    fail("a container needs some memory (ask for at least 4M)");
  uint64_t left = slice.memory - std::min(slice.memory, load.memory);
  if (memory > left)
    fail("slice '{}' has {} MiB of its {} MiB memory left, but the container asks for {} MiB",
         slice.name, left >> 20, slice.memory >> 20, memory >> 20);
}

} // namespace xisa::agent
