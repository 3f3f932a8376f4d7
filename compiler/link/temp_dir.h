// A private scratch directory, removed with everything in it when the owner
// goes out of scope (also on errors).
#pragma once
#include <string>

namespace xisa::link {

class TempDir {
public:
  explicit TempDir(const std::string &prefix);
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return path_; }
  // path()/name; creates parent directories of `name` if needed.
  std::string file(const std::string &name) const;
  // Writes `text` to file(name) and returns its path.
  std::string write(const std::string &name, const std::string &text) const;

private:
  std::string path_;
};

} // namespace xisa::link
