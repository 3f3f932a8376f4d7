// JSON form of Metadata for `xisa meta dump --json`, and the text of its parts
// that dump prints the same way.
#pragma once
#include "meta/metadata.h"

#include <nlohmann/json.hpp>

namespace xisa::meta {

// "r23=0x10036000", "[cfa-88]:8=tp+16": a known value as dump prints it; a
// 16-byte number whose halves differ as high:low ("[cfa-64]:16=0x1:0x0").
std::string known_value_text(const KnownValue &known);

nlohmann::json to_json(const Metadata &meta);

} // namespace xisa::meta
