#include "link/link_map.h"

#include "support/error.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace xisa::link {

const MapOutputSection *LinkMap::find(const std::string &name) const {
  for (const MapOutputSection &section : sections)
    if (section.name == name)
      return &section;
  return nullptr;
}

bool LinkMap::defines(const std::string &symbol) const {
  for (const MapOutputSection &section : sections)
    for (const MapInputSection &input : section.inputs)
      for (const auto &[name, offset] : input.symbols)
        if (name == symbol)
          return true;
  return false;
}

// Splits "file:(section)" / "archive(member):(section)" / "<internal>:(section)".
static bool parse_input(std::string_view text, MapInputSection &out) {
  size_t colon = text.rfind(":(");
  if (colon == std::string_view::npos || text.back() != ')')
    return false;
  std::string_view file = text.substr(0, colon);
  out.section = std::string(text.substr(colon + 2, text.size() - colon - 3));
  out.synthetic = file == "<internal>";
  size_t open = file.find('(');
  if (!out.synthetic && open != std::string_view::npos && file.back() == ')') {
    out.member = std::string(file.substr(open + 1, file.size() - open - 2));
    file = file.substr(0, open);
  }
  out.file = std::string(file);
  return true;
}

static bool parse_hex(std::string_view token, uint64_t &value, int base) {
  auto [end, err] = std::from_chars(token.data(), token.data() + token.size(), value, base);
  return err == std::errc() && end == token.data() + token.size();
}

// Takes the next whitespace-separated token from `line`.
static std::string_view next_token(std::string_view &line) {
  size_t start = line.find_first_not_of(' ');
  if (start == std::string_view::npos)
    return {};
  size_t end = line.find(' ', start);
  std::string_view token = line.substr(start, end == std::string_view::npos ? line.npos : end - start);
  line = end == std::string_view::npos ? std::string_view() : line.substr(end);
  return token;
}

LinkMap parse_link_map(const std::string &text, const std::string &what) {
  LinkMap map;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  uint64_t tls_base = 0; // start of the TLS segment: the first .tdata/.tbss
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1)
      continue; // "VMA LMA Size Align Out In Symbol"
    std::string_view rest = line;
    uint64_t vma, lma, size, align;
    if (!parse_hex(next_token(rest), vma, 16) || !parse_hex(next_token(rest), lma, 16) ||
        !parse_hex(next_token(rest), size, 16) || !parse_hex(next_token(rest), align, 10))
      fail("{}:{}: unexpected linker map line '{}'", what, line_no, line);
    if (rest.empty() || rest[0] != ' ')
      fail("{}:{}: unexpected linker map line '{}'", what, line_no, line);
    rest.remove_prefix(1);
    size_t indent = rest.find_first_not_of(' ');
    std::string_view name = rest.substr(indent);
    if (indent == 0) {
      map.sections.push_back({std::string(name), vma, size, align, {}});
      if (tls_base == 0 && (name == ".tdata" || name == ".tbss"))
        tls_base = vma;
    } else if (indent == 8 && !map.sections.empty()) {
      MapInputSection input;
      if (!parse_input(name, input))
        continue; // ". = ..." assignments and linker-script symbols
      input.address = vma;
      input.size = size;
      input.align = align;
      map.sections.back().inputs.push_back(std::move(input));
    } else if (indent == 16 && !map.sections.empty() && !map.sections.back().inputs.empty()) {
      MapInputSection &input = map.sections.back().inputs.back();
      // TLS symbols are listed by their offset in the TLS segment.
      const std::string &out = map.sections.back().name;
      if (out == ".tdata" || out == ".tbss")
        vma += tls_base;
      bool label = name.empty() || name[0] == '$' || name.substr(0, 2) == ".L";
      if (!label && vma >= input.address)
        input.symbols.emplace_back(std::string(name), vma - input.address);
    }
  }
  return map;
}

LinkMap read_link_map(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    fail("cannot read linker map {}", path);
  std::stringstream text;
  text << in.rdbuf();
  return parse_link_map(text.str(), path);
}

} // namespace xisa::link
