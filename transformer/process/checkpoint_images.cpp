#include "process/checkpoint_images.h"

#include "process/elf_symbols.h"
#include "support/error.h"

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <vector>

namespace xisa::process {

namespace {

// CRIU's vma_entry.status bits (criu/include/image.h).
constexpr uint32_t kVmaRegular = 1u << 0, kVmaStack = 1u << 1, kVmaVsyscall = 1u << 2,
                   kVmaVdso = 1u << 3, kVmaHeap = 1u << 5, kVmaFilePrivate = 1u << 6,
                   kVmaFileShared = 1u << 7, kVmaAnonShared = 1u << 8, kVmaAnonPrivate = 1u << 9,
                   kVmaVvar = 1u << 12;
constexpr uint32_t kExeFileId = 1;

images::ThreadInfo core_regs(Isa isa, const xisa_regs &r, uint64_t clear_tid) {
  switch (isa) {
  case Isa::X86_64: {
    images::X86ThreadInfo t;
    t.clear_tid_addr = clear_tid;
    auto &g = t.gpregs;
    uint64_t *by_dwarf[16] = {&g.ax, &g.dx, &g.cx, &g.bx, &g.si, &g.di, &g.bp, &g.sp,
                              &g.r8, &g.r9, &g.r10, &g.r11, &g.r12, &g.r13, &g.r14, &g.r15};
    for (int i = 0; i < 16; i++)
      *by_dwarf[i] = r.gpr[i];
    g.ip = r.pc;
    g.sp = r.sp;
    g.fs_base = r.tp;
    t.fpregs.mxcsr = static_cast<uint32_t>(r.ctl);
    t.fpregs.cwd = static_cast<uint32_t>(r.ctl >> 32 & 0xffff);
    std::memcpy(t.fpregs.xmm_space.data(), r.vr, 16 * 16);
    return t;
  }
  case Isa::AArch64: {
    images::Aarch64ThreadInfo t;
    t.clear_tid_addr = clear_tid;
    for (int i = 0; i < 31; i++)
      t.regs[i] = r.gpr[i];
    t.sp = r.sp;
    t.pc = r.pc;
    t.tls = r.tp;
    for (int i = 0; i < 32; i++)
      t.vregs[2 * i] = r.fpr[i];
    t.fpcr = static_cast<uint32_t>(r.ctl);
    return t;
  }
  case Isa::PPC64LE: {
    images::Ppc64ThreadInfo t;
    t.clear_tid_addr = clear_tid;
    for (int i = 0; i < 32; i++)
      t.gpr[i] = r.gpr[i];
    t.gpr[1] = r.sp;
    t.gpr[13] = r.tp;
    t.nip = r.pc;
    t.link = r.pc;
    t.ccr = r.ctl;
    for (int i = 0; i < 32; i++)
      t.fpregs[i] = r.fpr[i];
    std::memcpy(t.vrregs.data(), r.vr, 32 * 16);
    return t;
  }
  }
  fail("unknown ISA");
}

xisa_regs wire_regs(const images::ThreadInfo &info) {
  xisa_regs r{};
  if (const auto *t = std::get_if<images::X86ThreadInfo>(&info)) {
    const auto &g = t->gpregs;
    const uint64_t by_dwarf[16] = {g.ax, g.dx, g.cx, g.bx, g.si, g.di, g.bp, g.sp,
                                   g.r8, g.r9, g.r10, g.r11, g.r12, g.r13, g.r14, g.r15};
    for (int i = 0; i < 16; i++)
      r.gpr[i] = by_dwarf[i];
    r.pc = g.ip;
    r.sp = g.sp;
    r.tp = g.fs_base;
    r.ctl = t->fpregs.mxcsr | uint64_t(t->fpregs.cwd & 0xffff) << 32;
    std::memcpy(r.vr, t->fpregs.xmm_space.data(), 16 * 16);
  } else if (const auto *t = std::get_if<images::Aarch64ThreadInfo>(&info)) {
    for (int i = 0; i < 31; i++)
      r.gpr[i] = t->regs[i];
    r.sp = t->sp;
    r.gpr[31] = t->sp;
    r.pc = t->pc;
    r.tp = t->tls;
    for (int i = 0; i < 32; i++)
      r.fpr[i] = t->vregs[2 * i];
    r.ctl = t->fpcr;
  } else {
    const auto &p = std::get<images::Ppc64ThreadInfo>(info);
    for (int i = 0; i < 32; i++)
      r.gpr[i] = p.gpr[i];
    r.sp = p.gpr[1];
    r.tp = p.gpr[13];
    r.pc = p.nip;
    r.ctl = p.ccr;
    for (int i = 0; i < 32; i++)
      r.fpr[i] = p.fpregs[i];
    std::memcpy(r.vr, p.vrregs.data(), 32 * 16);
  }
  return r;
}

uint32_t vma_status(const xisa_region &r) {
  if (r.flags & XISA_REGION_KERNEL) {
    std::string_view path(r.path);
    if (path == "[vsyscall]")
      return kVmaVsyscall;
    return kVmaRegular | (path == "[vdso]" ? kVmaVdso : kVmaVvar);
  }
  uint32_t status = kVmaRegular;
  if (r.flags & XISA_REGION_EXE)
    status |= r.flags & XISA_REGION_SHARED ? kVmaFileShared : kVmaFilePrivate;
  else
    status |= r.flags & XISA_REGION_SHARED ? kVmaAnonShared : kVmaAnonPrivate;
  if (r.flags & XISA_REGION_KSTACK)
    status |= kVmaStack;
  if (r.flags & XISA_REGION_HEAP)
    status |= kVmaHeap;
  return status;
}

uint32_t region_flags(const images::Vma &v, const images::Mm &mm) {
  uint32_t flags = 0;
  if (v.status & (kVmaVdso | kVmaVvar | kVmaVsyscall))
    flags |= XISA_REGION_KERNEL;
  if (v.status & kVmaStack)
    flags |= XISA_REGION_KSTACK;
  if (v.status & kVmaHeap)
    flags |= XISA_REGION_HEAP;
  if ((v.status & (kVmaFilePrivate | kVmaFileShared)) && v.shmid == mm.exe_file_id)
    flags |= XISA_REGION_EXE;
  if (v.status & (kVmaFileShared | kVmaAnonShared))
    flags |= XISA_REGION_SHARED;
  bool skip = (flags & (XISA_REGION_KSTACK | XISA_REGION_KERNEL)) ||
              ((flags & XISA_REGION_EXE) && !(v.prot & PROT_WRITE)) || !(v.prot & PROT_READ);
  if (!skip)
    flags |= XISA_REGION_CONTENTS;
  return flags;
}

std::string region_path(const images::Vma &v, uint32_t flags, const std::string &exe) {
  if (v.status & kVmaVdso)
    return "[vdso]";
  if (v.status & kVmaVvar)
    return "[vvar]";
  if (v.status & kVmaVsyscall)
    return "[vsyscall]";
  if (flags & XISA_REGION_KSTACK)
    return "[stack]";
  if (flags & XISA_REGION_HEAP)
    return "[heap]";
  return flags & XISA_REGION_EXE ? exe : "";
}

// Bytes at addr from the dump; pages it left out (zero pages) read as zero.
void read_sparse(const images::Memory &memory, uint64_t addr, std::span<uint8_t> out) {
  for (uint64_t done = 0; done < out.size();) {
    uint64_t page_end = (addr + done) / images::kPageSize * images::kPageSize + images::kPageSize;
    uint64_t n = std::min<uint64_t>(out.size() - done, page_end - (addr + done));
    if (memory.contains(addr + done, n))
      memory.read(addr + done, out.subspan(done, n));
    else
      std::memset(out.data() + done, 0, n);
    done += n;
  }
}

} // namespace

images::ImageSet images_from_wire(const WireStream &stream, const std::filesystem::path &exe) {
  if (stream.header.page_size != images::kPageSize)
    fail("CRIU images use {}-byte pages; this process stream has {}", images::kPageSize,
         stream.header.page_size);
  images::ImageSet set;
  images::Process p;
  uint32_t pid = stream.threads.front().tid;
  p.pstree = {pid, 0, pid, pid, {}};
  for (const xisa_thread &t : stream.threads)
    p.pstree.threads.push_back(t.tid);
  p.ids = {1, 1, 1, 1};
  set.inventory.root_ids = p.ids;
  p.task.comm = exe.filename().string().substr(0, 15);
  p.task.blk_sigset = stream.threads.front().sigmask;
  p.task.personality = ADDR_NO_RANDOMIZE;
  for (const xisa_thread &t : stream.threads)
    p.threads.push_back({t.tid, core_regs(stream.isa(), t.regs, stream.header.clear_child_tid),
                         t.sigmask, p.task.comm});

  images::RegFile file;
  file.id = kExeFileId;
  file.flags = O_RDONLY;
  file.name = std::filesystem::absolute(exe).string();
  set.files.regular.push_back(file);
  p.mm.exe_file_id = kExeFileId;
  p.mm.mm_brk = stream.header.brk;
  p.mm.mm_start_brk = stream.header.brk;
  for (const WireRegion &r : stream.regions) {
    images::Vma v;
    v.start = r.table.start;
    v.end = r.table.end;
    v.pgoff = r.table.offset;
    v.prot = (r.table.prot & XISA_PROT_READ ? PROT_READ : 0) |
             (r.table.prot & XISA_PROT_WRITE ? PROT_WRITE : 0) |
             (r.table.prot & XISA_PROT_EXEC ? PROT_EXEC : 0);
    v.status = vma_status(r.table);
    bool file_backed = r.table.flags & XISA_REGION_EXE;
    v.flags = (r.table.flags & XISA_REGION_SHARED ? MAP_SHARED : MAP_PRIVATE) |
              (file_backed ? 0 : MAP_ANONYMOUS);
    v.shmid = file_backed ? kExeFileId : 0;
    if (r.table.flags & XISA_REGION_HEAP)
      p.mm.mm_start_brk = std::min(p.mm.mm_start_brk, r.table.start);
    p.mm.vmas.push_back(v);
    if (!r.has_contents())
      continue;
    uint64_t pages = r.size() / images::kPageSize;
    const uint8_t *page_data = r.data.data() + XISA_BITMAP_BYTES(pages);
    for (uint64_t i = 0; i < pages; i++)
      if (page_present(r.data, i)) {
        p.memory.append(r.table.start + i * images::kPageSize, {page_data, images::kPageSize});
        page_data += images::kPageSize;
      }
  }
  set.processes.push_back(std::move(p));
  return set;
}

WireStream wire_from_images(const images::ImageSet &set, const std::filesystem::path &exe) {
  if (set.processes.size() != 1)
    fail("the checkpoint holds {} processes; xisa restores one", set.processes.size());
  const images::Process &p = set.processes.front();
  if (p.threads.empty())
    fail("the checkpoint has no threads (core-*.img missing)");
  Isa isa = images::isa_of(p.threads.front().info);

  // The runtime's park area, from the dumped memory.
  xisa_park_area area;
  read_sparse(p.memory, symbol_address(exe, "__xisa_park_area"),
              {reinterpret_cast<uint8_t *>(&area), sizeof area});
  if (std::memcmp(area.magic, XISA_PARK_MAGIC, 8) != 0)
    fail("the checkpoint's memory has no xisa park area at __xisa_park_area of {}: it was not taken "
         "by xisa, or of another program",
         exe.string());

  WireStream s;
  std::memcpy(s.header.magic, XISA_WIRE_MAGIC, 8);
  s.header.version = XISA_WIRE_VERSION;
  s.header.isa = wire_isa(isa);
  s.header.page_size = images::kPageSize;
  s.header.brk = p.mm.mm_brk;
  s.header.clear_child_tid = area.clear_child_tid;
  std::vector<xisa_thread> slots(std::min(area.nr_slots, XISA_MAX_THREADS));
  read_sparse(p.memory, area.threads,
              {reinterpret_cast<uint8_t *>(slots.data()), slots.size() * sizeof(xisa_thread)});
  for (const images::Thread &t : p.threads) {
    const xisa_thread *slot = nullptr;
    for (const xisa_thread &candidate : slots)
      if (candidate.tid == t.tid && candidate.state == XISA_THREAD_PARKED)
        slot = &candidate;
    if (!slot)
      fail("thread {} of the checkpoint was not parked by the xisa runtime", t.tid);
    xisa_thread wire = *slot;
    wire.regs = wire_regs(t.info);
    wire.sigmask = t.blk_sigset;
    s.threads.push_back(wire);
  }
  s.sigactions.assign(area.sigaction, area.sigaction + std::min<uint32_t>(area.nr_sigactions, 64));

  std::string exe_path = std::filesystem::absolute(exe).string();
  for (const images::Vma &v : p.mm.vmas) {
    WireRegion r;
    r.table.start = v.start;
    r.table.end = v.end;
    r.table.offset = v.pgoff;
    r.table.prot = (v.prot & PROT_READ ? XISA_PROT_READ : 0) | (v.prot & PROT_WRITE ? XISA_PROT_WRITE : 0) |
                   (v.prot & PROT_EXEC ? XISA_PROT_EXEC : 0);
    r.table.flags = region_flags(v, p.mm);
    std::string path = region_path(v, r.table.flags, exe_path);
    std::strncpy(r.table.path, path.c_str(), XISA_PATH_MAX - 1);
    if (r.has_contents()) {
      uint64_t pages = r.size() / images::kPageSize;
      r.data.assign(XISA_BITMAP_BYTES(pages), 0);
      for (uint64_t i = 0; i < pages; i++) {
        uint64_t addr = v.start + i * images::kPageSize;
        if (!p.memory.contains(addr, images::kPageSize))
          continue;
        r.data[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
        size_t at = r.data.size();
        r.data.resize(at + images::kPageSize);
        p.memory.read(addr, {r.data.data() + at, images::kPageSize});
      }
    }
    r.table.data_bytes = r.data.size();
    s.regions.push_back(std::move(r));
  }
  // Checks the result the way a restore would.
  return parse_wire(serialize_wire(s));
}

void write_checkpoint(const WireStream &stream, const std::filesystem::path &exe,
                      const std::filesystem::path &dir) {
  images::write_image_set(images_from_wire(stream, exe), dir);
}

std::filesystem::path checkpoint_executable(const images::ImageSet &set) {
  if (set.processes.empty())
    fail("the checkpoint holds no process (pstree.img)");
  const images::RegFile *file = set.files.find(set.processes.front().mm.exe_file_id);
  if (!file)
    fail("the checkpoint does not name its executable (no files.img entry {})",
         set.processes.front().mm.exe_file_id);
  return file->name;
}

} // namespace xisa::process
