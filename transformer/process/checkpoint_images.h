// Checkpoints on disk are CRIU image sets (docs/design.md). These convert a
// wire stream to an image set and back; what CRIU's images do not model
// (signal dispositions, the runtime's per-thread stacks) travels in the
// runtime's park area, which is part of the dumped memory.
#pragma once
#include "images/image_set.h"
#include "process/wire_stream.h"

#include <filesystem>

namespace xisa::process {

images::ImageSet images_from_wire(const WireStream &stream, const std::filesystem::path &exe);
// `exe` is the executable the set will run as (its park area symbol is read).
WireStream wire_from_images(const images::ImageSet &set, const std::filesystem::path &exe);

void write_checkpoint(const WireStream &stream, const std::filesystem::path &exe,
                      const std::filesystem::path &dir);
// The executable a checkpoint was taken of (files.img, the mm's exe file).
std::filesystem::path checkpoint_executable(const images::ImageSet &set);

} // namespace xisa::process
