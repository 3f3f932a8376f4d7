// Shared-secret tokens: reading them from a file and comparing them.
#include "protocol/protocol.h"
#include "support/error.h"

#include <fstream>

namespace xisa::proto {

std::string read_token_file(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    fail("cannot read token file '{}': {}", path, errno_text(errno));
  std::string line;
  std::getline(in, line);
  const char *space = " \t\r\n";
  size_t begin = line.find_first_not_of(space);
  if (begin == std::string::npos)
    fail("token file '{}' is empty: put the shared token on its first line", path);
  size_t end = line.find_last_not_of(space);
  return line.substr(begin, end - begin + 1);
}

bool token_equal(std::string_view expected, std::string_view given) {
  // Walk the whole expected token whatever the given one holds, so timing
  // reveals neither a matching prefix nor the position of a mismatch.
  unsigned char diff = expected.size() == given.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(expected[i]) ^ g;
  }
  return diff == 0 && !expected.empty();
}

} // namespace xisa::proto
