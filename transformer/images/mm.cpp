// mm-<pid>.img: the address space layout (vmas, brk, exe file, auxv).
#include "images/codecs.h"
#include "images/image_file.h"
#include "mm.pb-c.h"

namespace xisa::images {

static std::string mm_name(uint32_t pid) { return "mm-" + std::to_string(pid) + ".img"; }

// The mm_entry scalars, in schema order, once for both directions.
#define XISA_MM_FIELDS(X)                                                                     \
  X(mm_start_code) X(mm_end_code) X(mm_start_data) X(mm_end_data) X(mm_start_stack)           \
  X(mm_start_brk) X(mm_brk) X(mm_arg_start) X(mm_arg_end) X(mm_env_start) X(mm_env_end)       \
  X(exe_file_id)

Mm read_mm(const fs::path &dir, uint32_t pid) {
  std::string name = mm_name(pid);
  ImageReader reader(dir / name, Magic::Mm);
  PbPtr<MmEntry> e = reader.only<MmEntry>(mm_entry__descriptor);
  Mm mm;
#define X(f) mm.f = e->f;
  XISA_MM_FIELDS(X)
#undef X
  mm.mm_saved_auxv.assign(e->mm_saved_auxv, e->mm_saved_auxv + e->n_mm_saved_auxv);
  if (e->has_dumpable)
    mm.dumpable = e->dumpable;
  for (size_t i = 0; i < e->n_vmas; ++i) {
    const VmaEntry &v = *e->vmas[i];
    if (v.end <= v.start || v.start % kPageSize)
      fail("{}: vma {} [{:#x}, {:#x}) is empty or not page aligned: the image is corrupt", name,
           i, v.start, v.end);
    Vma vma{v.start, v.end, v.pgoff, v.shmid, v.prot, v.flags, v.status, v.fd, {}, {}};
    if (v.has_madv)
      vma.madv = v.madv;
    if (v.has_fdflags)
      vma.fdflags = v.fdflags;
    mm.vmas.push_back(vma);
  }
  return mm;
}

void write_mm(const Mm &mm, uint32_t pid, const fs::path &dir) {
  MmEntry e = MM_ENTRY__INIT;
#define X(f) e.f = mm.f;
  XISA_MM_FIELDS(X)
#undef X
  e.n_mm_saved_auxv = mm.mm_saved_auxv.size();
  e.mm_saved_auxv = const_cast<uint64_t *>(mm.mm_saved_auxv.data());
  e.has_dumpable = mm.dumpable.has_value();
  e.dumpable = mm.dumpable.value_or(0);
  std::vector<VmaEntry> vmas(mm.vmas.size());
  std::vector<VmaEntry *> vma_ptrs;
  for (size_t i = 0; i < mm.vmas.size(); ++i) {
    const Vma &v = mm.vmas[i];
    VmaEntry &out = vmas[i];
    vma_entry__init(&out);
    out.start = v.start;
    out.end = v.end;
    out.pgoff = v.pgoff;
    out.shmid = v.shmid;
    out.prot = v.prot;
    out.flags = v.flags;
    out.status = v.status;
    out.fd = v.fd;
    out.has_madv = v.madv.has_value();
    out.madv = v.madv.value_or(0);
    out.has_fdflags = v.fdflags.has_value();
    out.fdflags = v.fdflags.value_or(0);
    vma_ptrs.push_back(&out);
  }
  e.n_vmas = vma_ptrs.size();
  e.vmas = vma_ptrs.data();
  ImageWriter writer(Magic::Mm);
  writer.add(e.base);
  writer.save(dir / mm_name(pid));
}

} // namespace xisa::images
