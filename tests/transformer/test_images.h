// Synthetic image sets for the transformer tests: one parked process of a
// given ISA with a stack, a TLS area and an executable mapping.
#pragma once
#include "images/image_set.h"

#include <filesystem>

namespace xisa::test {

images::ImageSet make_image_set(Isa isa);

// A fresh directory under the test temp dir, removed by the destructor.
struct TempDir {
  std::filesystem::path path;
  TempDir();
  ~TempDir();
};

} // namespace xisa::test
