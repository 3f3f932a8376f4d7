#include "transform/image_transform.h"

#include "support/error.h"
#include "transform/abi.h"
#include "transform/frames.h"
#include "transform/jmp_bufs.h"
#include "transform/mappings.h"
#include "transform/musl_tls.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

namespace xisa::transform {

using namespace images;

// vma_entry.status bits (CRIU's VMA_FILE_PRIVATE / VMA_FILE_SHARED).
static constexpr uint32_t kVmaFilePrivate = 1u << 6;
static constexpr uint32_t kVmaFileShared = 1u << 7;

std::string image_executable(const ImageSet &set) {
  const Process &root = set.processes.front();
  const images::RegFile *exe = set.files.find(root.mm.exe_file_id);
  if (!exe)
    fail("mm-{}.img names executable file id {}, which files.img does not hold: the image set is "
         "corrupt",
         root.pstree.pid, root.mm.exe_file_id);
  return exe->name;
}

std::string executable_for(const std::string &exe, Isa isa) {
  for (Isa other : kAllIsas) {
    std::string suffix = "." + std::string(name(other));
    if (exe.size() > suffix.size() && exe.ends_with(suffix))
      return exe.substr(0, exe.size() - suffix.size()) + "." + std::string(name(isa));
  }
  fail("the executable {} has no .<isa> suffix ({}), so its {} twin cannot be found; pass the "
       "executables explicitly",
       exe, isa_names(), name(isa));
}

static std::string hex(const std::array<uint8_t, 16> &id) {
  std::string out;
  for (uint8_t b : id)
    out += fmt::format("{:02x}", b);
  return out;
}

static void check_build_ids(const ImageSet &set, const Program &src, const Program &dst) {
  const auto &want = dst.info().build_id;
  if (src.info().build_id != want)
    fail("build id mismatch: {} has {} but {} has {}; they are not outputs of one xisa-cc link",
         src.path(), hex(src.info().build_id), dst.path(), hex(want));
  const images::RegFile *exe = set.files.find(set.processes.front().mm.exe_file_id);
  if (exe && exe->build_id.size() == 4) {
    std::array<uint8_t, 16> image_id;
    std::memcpy(image_id.data(), exe->build_id.data(), 16);
    if (image_id != want)
      fail("build id mismatch: the image's executable has {} but {} has {}; the image was made "
           "by another build of the program",
           hex(image_id), dst.path(), hex(want));
  }
}

static uint64_t page_down(uint64_t v) { return v / kPageSize * kPageSize; }
static uint64_t page_up(uint64_t v) { return page_down(v + kPageSize - 1); }

static bool is_exe_mapping(const Vma &vma, const Process &p) {
  return (vma.status & (kVmaFilePrivate | kVmaFileShared)) && vma.shmid == p.mm.exe_file_id;
}

// qemu-user reserves the span of the executable and leaves the gaps between
// its segments as anonymous mappings without access; those give way where a
// destination segment is longer than the source's.
static bool is_reservation(const Vma &vma) {
  return vma.prot == PROT_NONE && !(vma.status & (kVmaFilePrivate | kVmaFileShared));
}

static void make_room(Process &p, uint64_t start, uint64_t end) {
  std::vector<Vma> kept;
  for (const Vma &vma : p.mm.vmas) {
    bool segment = vma.start == start && vma.end == end && is_exe_mapping(vma, p);
    if (segment || vma.end <= start || vma.start >= end) {
      kept.push_back(vma);
      continue;
    }
    if (!is_reservation(vma))
      fail("the destination's segment [{:#x}, {:#x}) overlaps the mapping [{:#x}, {:#x}) of the "
           "source process",
           start, end, vma.start, vma.end);
    if (vma.start < start)
      kept.push_back(vma), kept.back().end = start;
    if (vma.end > end)
      kept.push_back(vma), kept.back().start = end;
  }
  std::sort(kept.begin(), kept.end(), [](const Vma &a, const Vma &b) { return a.start < b.start; });
  p.mm.vmas = std::move(kept);
}

// Points the executable's mappings at the destination file and forgets the
// source's code pages: the destination maps its own. Code and headers take
// the extent of the destination's segments, which may end on another page.
static size_t remap_executable(Process &p, const Program &dst) {
  size_t dropped = 0;
  std::vector<std::pair<uint64_t, uint64_t>> resized; // the read-only segments
  for (Vma &vma : p.mm.vmas) {
    if (!is_exe_mapping(vma, p))
      continue;
    const LoadSegment *seg = nullptr;
    for (const LoadSegment &s : dst.loads())
      if (vma.start >= page_down(s.vaddr) && vma.start < s.vaddr + s.memsz)
        seg = &s;
    if (!seg)
      fail("the executable mapping [{:#x}, {:#x}) has no loadable segment in {}: the executables "
           "do not share one layout",
           vma.start, vma.end, dst.path());
    vma.pgoff = page_down(seg->offset) + (vma.start - page_down(seg->vaddr));
    if (vma.prot & PROT_WRITE || seg->prot & PROT_WRITE)
      continue;
    size_t before = p.memory.pages.size();
    p.memory.discard(vma.start, vma.end);
    dropped += (before - p.memory.pages.size()) / kPageSize;
    vma.prot = seg->prot;
    vma.start = page_down(seg->vaddr);
    vma.end = page_up(seg->vaddr + seg->memsz);
    vma.pgoff = page_down(seg->offset);
    resized.emplace_back(vma.start, vma.end);
  }
  for (auto [start, end] : resized)
    make_room(p, start, end);
  return dropped;
}

// Constants, the GOT and musl's vDSO bindings are the destination's, not
// the source's.
static void install_constant_data(Process &p, const Program &dst) {
  for (const ConstantData &data : dst.constant_data()) {
    p.memory.ensure(data.vaddr, data.bytes.size());
    p.memory.write(data.vaddr, data.bytes);
  }
}

static void check_pages_mapped(const Process &p) {
  for (const PageRun &run : p.memory.runs)
    if (!is_mapped(p.mm.vmas, run.vaddr, run.end()))
      fail("process {}: pages [{:#x}, {:#x}) lie outside every mapping after the transformation "
           "(the destination stack outgrew its mapping?)",
           p.pstree.pid, run.vaddr, run.end());
}

// Bytes above the outermost frame's CFA that it may write: the header of
// the runtime's base frame (ppc64 saves the return address there).
static constexpr uint64_t kBaseFrameHeader = 32;

static ThreadReport transform_thread(Thread &thread, Process &p, const Program &src,
                                     const Program &dst, JmpBufTable &jmp_bufs) {
  Memory &memory = p.memory;
  try {
    transform::RegFile regs = reg_file(thread.info);
    SourceStack stack = unwind(regs, memory, src);
    ThreadJmpBufs bufs =
        claim_jmp_bufs(jmp_bufs, stack, regs.get(abi(src.isa()).sp), memory, src);
    ThreadMemory area{memory, p.mm.vmas, regs.get(abi(src.isa()).sp),
                      stack.frames.back().cfa + kBaseFrameHeader};
    uint64_t tp = relay_thread_area(area, {src.isa(), src.info()}, {dst.isa(), dst.info()}, regs.tp);
    BlockMove tls{regs.tp + src.info().tp_offset, tp + dst.info().tp_offset,
                  src.info().tls_mem_size};
    RebuiltStack rebuilt = rebuild(stack, memory, dst, tp, tls, bufs.sites);
    place_jmp_bufs(jmp_bufs, bufs, rebuilt.resumes, memory, dst);
    const transform::RegFile &out = rebuilt.regs;
    uint64_t clear_tid = std::visit([](const auto &t) { return t.clear_tid_addr; }, thread.info);
    thread.info = thread_info(dst.isa(), out);
    std::visit([&](auto &t) { t.clear_tid_addr = clear_tid; }, thread.info);
    return {thread.tid, stack.frames.size(), regs.pc, out.pc, regs.tp, tp};
  } catch (const Error &e) {
    fail("thread {}: {}", thread.tid, e.what());
  }
}

Report transform_image_set(ImageSet &set, const Program &src, const Program &dst) {
  check_build_ids(set, src, dst);
  Report report;
  for (Process &p : set.processes) {
    Isa isa = isa_of(p.threads.front().info);
    if (isa != src.isa())
      fail("process {} was dumped on {} but the source executable {} is for {}", p.pstree.pid,
           name(isa), src.path(), name(src.isa()));
    JmpBufTable jmp_bufs = read_jmp_bufs(p.memory, src, dst);
    for (Thread &thread : p.threads)
      report.threads.push_back(transform_thread(thread, p, src, dst, jmp_bufs));
    write_jmp_bufs(jmp_bufs, p.memory);
    report.exe_pages_dropped += remap_executable(p, dst);
    install_constant_data(p, dst);
    // The saved auxiliary vector describes the source machine (hwcaps,
    // platform); the destination kernel provides its own.
    p.mm.mm_saved_auxv.clear();
    check_pages_mapped(p);
  }
  if (images::RegFile *exe = set.files.find(set.processes.front().mm.exe_file_id)) {
    exe->name = dst.path();
    exe->size = dst.file_size();
  }
  return report;
}

} // namespace xisa::transform
