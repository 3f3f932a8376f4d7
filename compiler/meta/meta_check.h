// `xisa meta check`: do the three executables of one link agree on the
// migration metadata the transformer relies on?
#pragma once
#include "meta/metadata.h"

#include <string>
#include <vector>

namespace xisa::meta {

// "[i32,p64,f64]": the types of `values`, for messages.
std::string type_list(const std::vector<LiveValue> &values);

// Every difference between the executables, one line each (empty: they
// agree). `executables` holds one Metadata per ISA.
std::vector<std::string> compare(const std::vector<Metadata> &executables);

} // namespace xisa::meta
