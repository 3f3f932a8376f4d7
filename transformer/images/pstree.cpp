// pstree.img: the process tree, one entry per process, with its threads.
#include "images/codecs.h"
#include "images/image_file.h"
#include "pstree.pb-c.h"

namespace xisa::images {

std::vector<PstreeEntry> read_pstree(const fs::path &dir) {
  ImageReader reader(dir / "pstree.img", Magic::Pstree);
  std::vector<PstreeEntry> entries;
  while (!reader.at_end()) {
    PbPtr<::PstreeEntry> e = reader.next<::PstreeEntry>(pstree_entry__descriptor);
    entries.push_back({e->pid, e->ppid, e->pgid, e->sid,
                       std::vector<uint32_t>(e->threads, e->threads + e->n_threads)});
  }
  if (entries.empty())
    fail("pstree.img: no process in the image set");
  return entries;
}

void write_pstree(const std::vector<Process> &processes, const fs::path &dir) {
  ImageWriter writer(Magic::Pstree);
  for (const Process &p : processes) {
    ::PstreeEntry e = PSTREE_ENTRY__INIT;
    e.pid = p.pstree.pid;
    e.ppid = p.pstree.ppid;
    e.pgid = p.pstree.pgid;
    e.sid = p.pstree.sid;
    e.n_threads = p.pstree.threads.size();
    e.threads = const_cast<uint32_t *>(p.pstree.threads.data());
    writer.add(e.base);
  }
  writer.save(dir / "pstree.img");
}

} // namespace xisa::images
