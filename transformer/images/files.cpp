// files.img: every file object of the dump. xisa models regular files (the
// executable, cwd, root); other kinds pass through as packed entries.
#include "fdinfo.pb-c.h"
#include "images/codecs.h"
#include "images/image_file.h"

namespace xisa::images {

const RegFile *Files::find(uint32_t id) const {
  for (const RegFile &f : regular)
    if (f.id == id)
      return &f;
  return nullptr;
}

RegFile *Files::find(uint32_t id) {
  return const_cast<RegFile *>(static_cast<const Files *>(this)->find(id));
}

Files read_files(const fs::path &dir) {
  ImageReader reader(dir / "files.img", Magic::Files);
  Files files;
  while (!reader.at_end()) {
    PbPtr<FileEntry> e = reader.next<FileEntry>(file_entry__descriptor);
    if (e->type != FD_TYPES__REG) {
      std::vector<uint8_t> packed(protobuf_c_message_get_packed_size(&e->base));
      protobuf_c_message_pack(&e->base, packed.data());
      files.other.push_back(std::move(packed));
      continue;
    }
    if (!e->reg || !e->reg->fown)
      fail("files.img: regular file {} has no reg entry: the image is corrupt", e->id);
    const RegFileEntry &r = *e->reg;
    RegFile f{r.id, r.flags, r.pos, r.name, r.fown->uid, r.fown->euid, {}, {}, {},
              std::vector<uint32_t>(r.build_id, r.build_id + r.n_build_id)};
    if (r.has_mnt_id)
      f.mnt_id = r.mnt_id;
    if (r.has_size)
      f.size = r.size;
    if (r.has_mode)
      f.mode = r.mode;
    files.regular.push_back(std::move(f));
  }
  return files;
}

void write_files(const Files &files, const fs::path &dir) {
  ImageWriter writer(Magic::Files);
  for (const RegFile &f : files.regular) {
    FownEntry fown = FOWN_ENTRY__INIT;
    fown.uid = f.fown_uid;
    fown.euid = f.fown_euid;
    RegFileEntry reg = REG_FILE_ENTRY__INIT;
    reg.id = f.id;
    reg.flags = f.flags;
    reg.pos = f.pos;
    reg.fown = &fown;
    reg.name = const_cast<char *>(f.name.c_str());
    reg.has_mnt_id = f.mnt_id.has_value();
    reg.mnt_id = f.mnt_id.value_or(-1);
    reg.has_size = f.size.has_value();
    reg.size = f.size.value_or(0);
    reg.has_mode = f.mode.has_value();
    reg.mode = f.mode.value_or(0);
    reg.n_build_id = f.build_id.size();
    reg.build_id = const_cast<uint32_t *>(f.build_id.data());
    FileEntry e = FILE_ENTRY__INIT;
    e.type = FD_TYPES__REG;
    e.id = f.id;
    e.reg = &reg;
    writer.add(e.base);
  }
  for (const std::vector<uint8_t> &packed : files.other)
    writer.add_packed(packed);
  writer.save(dir / "files.img");
}

} // namespace xisa::images
