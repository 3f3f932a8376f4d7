// JSON form of Metadata for `xisa meta dump --json`.
#pragma once
#include "meta/metadata.h"

#include <nlohmann/json.hpp>

namespace xisa::meta {

nlohmann::json to_json(const Metadata &meta);

} // namespace xisa::meta
