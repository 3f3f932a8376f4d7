// What ld.lld's -Map file says about one link: every output section and the
// input sections placed in it, in address order.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace xisa::link {

struct MapInputSection {
  std::string file;    // object path, or archive path for a member
  std::string member;  // archive member name ("" for a plain object)
  std::string section; // input section name
  uint64_t address = 0;
  uint64_t size = 0;
  uint64_t align = 1;
  bool synthetic = false; // made by the linker (<internal>): merged strings, GOT, ...
  // The symbols the map lists in the section, by offset from its start.
  std::vector<std::pair<std::string, uint64_t>> symbols;
};

struct MapOutputSection {
  std::string name;
  uint64_t address = 0;
  uint64_t size = 0;
  uint64_t align = 1;
  std::vector<MapInputSection> inputs;
};

struct LinkMap {
  std::vector<MapOutputSection> sections;
  const MapOutputSection *find(const std::string &name) const;
  // Whether the link placed a definition of `symbol` (a global, by name).
  bool defines(const std::string &symbol) const;
};

// Parses the text of an lld -Map file; throws xisa::Error on lines it does
// not understand (`what` names the file).
LinkMap parse_link_map(const std::string &text, const std::string &what);
LinkMap read_link_map(const std::string &path);

} // namespace xisa::link
