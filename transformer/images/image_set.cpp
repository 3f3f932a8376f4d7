// A whole image directory: which files make up a set and in what order they
// are read and written.
#include "images/codecs.h"

#include <system_error>

namespace xisa::images {

static Process read_process(const fs::path &dir, const PstreeEntry &entry) {
  Process p;
  p.pstree = entry;
  bool has_main = false;
  for (uint32_t tid : entry.threads)
    has_main |= tid == entry.pid;
  if (!has_main)
    fail("pstree.img: process {} does not list its own main thread: the image is corrupt",
         entry.pid);
  // The main thread first: it carries the task-wide core.
  p.threads.emplace_back();
  read_core(dir, entry.pid, p.threads.back(), &p);
  for (uint32_t tid : entry.threads) {
    if (tid == entry.pid)
      continue;
    p.threads.emplace_back();
    read_core(dir, tid, p.threads.back(), nullptr);
    if (p.threads.back().info.index() != p.threads.front().info.index())
      fail("core-{}.img: thread of another architecture than its process {}", tid, entry.pid);
  }
  p.mm = read_mm(dir, entry.pid);
  p.memory = read_memory(dir, entry.pid);
  p.fs = read_fs(dir, entry.pid);
  return p;
}

ImageSet read_image_set(const fs::path &dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    fail("{} is not a directory of CRIU images", dir.string());
  ImageSet set;
  set.inventory = read_inventory(dir);
  for (const PstreeEntry &entry : read_pstree(dir))
    set.processes.push_back(read_process(dir, entry));
  set.files = read_files(dir);
  return set;
}

void write_image_set(const ImageSet &set, const fs::path &dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    fail("cannot create image directory {}: {}", dir.string(), ec.message());
  write_inventory(set.inventory, dir);
  write_pstree(set.processes, dir);
  for (const Process &p : set.processes) {
    for (const Thread &t : p.threads)
      write_core(t, t.tid == p.pstree.pid ? &p : nullptr, dir);
    write_mm(p.mm, p.pstree.pid, dir);
    write_memory(p.memory, p.pstree.pid, dir);
    write_fs(p.fs, p.pstree.pid, dir);
  }
  write_files(set.files, dir);
}

std::vector<std::string> image_file_names(const ImageSet &set) {
  std::vector<std::string> names = {"inventory.img", "pstree.img", "files.img"};
  for (const Process &p : set.processes) {
    std::string pid = std::to_string(p.pstree.pid);
    for (const Thread &t : p.threads)
      names.push_back("core-" + std::to_string(t.tid) + ".img");
    names.push_back("mm-" + pid + ".img");
    names.push_back("pagemap-" + pid + ".img");
    names.push_back("pages-" + std::to_string(p.memory.pages_id) + ".img");
    names.push_back("fs-" + pid + ".img");
  }
  return names;
}

} // namespace xisa::images
