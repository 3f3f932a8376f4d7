// A scratch directory removed when the test ends.
#pragma once
#include <filesystem>
#include <fstream>
#include <string>

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "xisa-agent-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string str() const { return path.string(); }
  void write(const std::string &rel, const std::string &text) const {
    std::filesystem::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
  std::string read(const std::string &rel) const {
    std::ifstream in(path / rel);
    return {std::istreambuf_iterator<char>(in), {}};
  }
};
