// pagemap-<pid>.img (a head naming the pages file, then runs of pages) and
// pages-<id>.img (the raw bytes of the present runs, in pagemap order).
#include "images/codecs.h"
#include "images/image_file.h"
#include "pagemap.pb-c.h"

namespace xisa::images {

static std::string pagemap_name(uint32_t pid) {
  return "pagemap-" + std::to_string(pid) + ".img";
}
static std::string pages_name(uint32_t id) { return "pages-" + std::to_string(id) + ".img"; }

Memory read_memory(const fs::path &dir, uint32_t pid) {
  std::string name = pagemap_name(pid);
  ImageReader reader(dir / name, Magic::Pagemap);
  PbPtr<PagemapHead> head = reader.next<PagemapHead>(pagemap_head__descriptor);
  Memory memory;
  memory.pages_id = head->pages_id;
  uint64_t offset = 0;
  while (!reader.at_end()) {
    PbPtr<PagemapEntry> e = reader.next<PagemapEntry>(pagemap_entry__descriptor);
    // Images from before the flags field mark pages either in_parent or present.
    uint32_t flags = e->has_flags ? e->flags
                     : (e->has_in_parent && e->in_parent) ? kPeParent
                                                          : kPePresent;
    PageRun run{e->vaddr, e->nr_pages, flags, offset};
    if (run.vaddr % kPageSize || run.nr_pages == 0)
      fail("{}: run at {:#x} of {} pages is empty or not page aligned: the image is corrupt", name,
           run.vaddr, run.nr_pages);
    if (!memory.runs.empty() && run.vaddr < memory.runs.back().end())
      fail("{}: run at {:#x} overlaps or precedes the one before: the image is corrupt", name,
           run.vaddr);
    if (run.present())
      offset += uint64_t(run.nr_pages) * kPageSize;
    memory.runs.push_back(run);
  }
  memory.pages = read_file(dir / pages_name(memory.pages_id));
  if (memory.pages.size() != offset)
    fail("{}: holds {} bytes but {} describes {} bytes of pages: the image set is truncated or "
         "corrupt",
         pages_name(memory.pages_id), memory.pages.size(), name, offset);
  return memory;
}

void write_memory(const Memory &memory, uint32_t pid, const fs::path &dir) {
  ImageWriter writer(Magic::Pagemap);
  PagemapHead head = PAGEMAP_HEAD__INIT;
  head.pages_id = memory.pages_id;
  writer.add(head.base);
  for (const PageRun &run : memory.runs) {
    PagemapEntry e = PAGEMAP_ENTRY__INIT;
    e.vaddr = run.vaddr;
    e.nr_pages = run.nr_pages;
    e.has_flags = true;
    e.flags = run.flags;
    writer.add(e.base);
  }
  writer.save(dir / pagemap_name(pid));
  write_file(dir / pages_name(memory.pages_id), memory.pages);
}

} // namespace xisa::images
