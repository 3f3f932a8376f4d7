// The room the layout leaves for the ELF header and program headers in front
// of the first section (kHeaderRoom), checked against what lld writes.
#pragma once
#include <cstdint>
#include <string>

namespace xisa::link {

// Bytes from the start of an executable's file to the end of its program
// headers.
uint64_t header_bytes(const std::string &path);

// Fails, naming the executable and both sizes, when its headers would not fit
// in kHeaderRoom.
void check_header_room(const std::string &path);

} // namespace xisa::link
