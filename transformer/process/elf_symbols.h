// Looking up a symbol's address in an executable (libelf).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace xisa::process {

// Throws xisa::Error when the file cannot be read or has no such symbol.
uint64_t symbol_address(const std::filesystem::path &exe, std::string_view symbol);

} // namespace xisa::process
