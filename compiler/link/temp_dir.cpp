#include "link/temp_dir.h"

#include "support/error.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace fs = std::filesystem;

namespace xisa::link {

TempDir::TempDir(const std::string &prefix) {
  const char *tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    fail("cannot create a temporary directory {}: {} (set TMPDIR to a writable directory)",
         pattern, errno_text(errno));
  path_ = buf.data();
}

TempDir::~TempDir() {
  // XISA_KEEP_TEMPS=1 keeps the per-ISA objects, linker scripts and maps for
  // a look at what the link did.
  if (const char *keep = std::getenv("XISA_KEEP_TEMPS"); keep && *keep == '1') {
    std::fprintf(stderr, "xisa: kept %s\n", path_.c_str());
    return;
  }
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string TempDir::file(const std::string &name) const {
  fs::path p = fs::path(path_) / name;
  fs::create_directories(p.parent_path());
  return p.string();
}

std::string TempDir::write(const std::string &name, const std::string &text) const {
  std::string path = file(name);
  std::FILE *f = std::fopen(path.c_str(), "w");
  bool ok = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f && std::fclose(f) != 0)
    ok = false;
  if (!ok)
    fail("cannot write {}: {}", path, errno_text(errno));
  return path;
}

} // namespace xisa::link
