// fs-<pid>.img: the task's cwd and root, as ids of files in files.img.
#include "fs.pb-c.h"
#include "images/codecs.h"
#include "images/image_file.h"

namespace xisa::images {

static std::string fs_name(uint32_t pid) { return "fs-" + std::to_string(pid) + ".img"; }

FsEntry read_fs(const fs::path &dir, uint32_t pid) {
  ImageReader reader(dir / fs_name(pid), Magic::Fs);
  PbPtr<::FsEntry> e = reader.only<::FsEntry>(fs_entry__descriptor);
  FsEntry out{e->cwd_id, e->root_id, {}};
  if (e->has_umask)
    out.umask = e->umask;
  return out;
}

void write_fs(const FsEntry &in, uint32_t pid, const fs::path &dir) {
  ::FsEntry e = FS_ENTRY__INIT;
  e.cwd_id = in.cwd_id;
  e.root_id = in.root_id;
  e.has_umask = in.umask.has_value();
  e.umask = in.umask.value_or(0);
  ImageWriter writer(Magic::Fs);
  writer.add(e.base);
  writer.save(dir / fs_name(pid));
}

} // namespace xisa::images
