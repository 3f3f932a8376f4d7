#include "test_images.h"

#include <sys/mman.h>

#include <cstdlib>
#include <stdexcept>

namespace xisa::test {

using namespace images;

static ThreadInfo make_thread_info(Isa isa, uint64_t seed) {
  switch (isa) {
  case Isa::X86_64: {
    X86ThreadInfo t;
    t.gpregs.ip = 0x401000 + seed;
    t.gpregs.sp = 0x7ff000000 + seed;
    t.gpregs.bp = 0x7ff000100;
    t.gpregs.bx = 0x1111 * seed;
    t.gpregs.fs_base = 0x500000 + seed;
    for (size_t i = 0; i < t.fpregs.xmm_space.size(); ++i)
      t.fpregs.xmm_space[i] = uint32_t(i * 0x01010101u + seed);
    t.fpregs.xstate_bv = 7;
    t.fpregs.ymmh_space.assign(64, 0xabcd0000u + seed);
    return t;
  }
  case Isa::AArch64: {
    Aarch64ThreadInfo t;
    for (size_t i = 0; i < t.regs.size(); ++i)
      t.regs[i] = i * 0x100 + seed;
    t.sp = 0x7ff000000 + seed;
    t.pc = 0x401000 + seed;
    t.tls = 0x500000 + seed;
    for (size_t i = 0; i < t.vregs.size(); ++i)
      t.vregs[i] = 0x3ff0000000000000ull + i + seed;
    t.fpcr = 0x1000000;
    return t;
  }
  case Isa::PPC64LE: {
    Ppc64ThreadInfo t;
    for (size_t i = 0; i < t.gpr.size(); ++i)
      t.gpr[i] = i * 0x100 + seed;
    t.gpr[13] = 0x507000 + seed;
    t.nip = 0x401000 + seed;
    t.link = 0x401100;
    for (size_t i = 0; i < t.fpregs.size(); ++i)
      t.fpregs[i] = 0x4000000000000000ull + i + seed;
    for (size_t i = 0; i < t.vrregs.size(); ++i)
      t.vrregs[i] = i ^ seed;
    for (size_t i = 0; i < t.vsxregs.size(); ++i)
      t.vsxregs[i] = ~i + seed;
    return t;
  }
  }
  throw std::logic_error("unknown isa");
}

ImageSet make_image_set(Isa isa) {
  ImageSet set;
  set.inventory.root_ids = TaskIds{1, 2, 3, 4};
  Process p;
  p.pstree = {42, 1, 42, 42, {42, 43}};
  p.task.comm = "prog";
  p.ids = *set.inventory.root_ids;
  p.threads.push_back({42, make_thread_info(isa, 0), 0, "prog"});
  p.threads.push_back({43, make_thread_info(isa, 8), 0x10, "worker"});
  p.mm.exe_file_id = 7;
  p.mm.mm_start_code = 0x400000;
  p.mm.mm_end_code = 0x402000;
  p.mm.mm_brk = p.mm.mm_start_brk = 0x600000;
  p.mm.mm_saved_auxv = {6, 4096, 0, 0};
  p.mm.vmas.push_back({0x400000, 0x402000, 0, 0, PROT_READ | PROT_EXEC, MAP_PRIVATE, 1 | 2, -1,
                       {}, {}});
  p.mm.vmas.push_back(
      {0x500000, 0x502000, 0, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 1, -1, {}, {}});
  std::vector<uint8_t> page(2 * kPageSize);
  for (size_t i = 0; i < page.size(); ++i)
    page[i] = uint8_t(i * 7);
  p.memory.append(0x500000, page);
  p.fs = {8, 9, 022};
  set.files.regular.push_back(
      {7, 0, 0, "/usr/bin/prog." + std::string(name(isa)), 0, 0, {}, {}, {}, {1, 2, 3, 4}});
  set.files.regular.push_back({8, 0, 0, "/tmp", 0, 0, {}, {}, {}, {}});
  set.files.regular.push_back({9, 0, 0, "/", 0, 0, {}, {}, {}, {}});
  set.processes.push_back(std::move(p));
  return set;
}

TempDir::TempDir() {
  const char *base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/xisa-test-XXXXXX";
  if (!mkdtemp(tmpl.data()))
    throw std::runtime_error("mkdtemp failed for " + tmpl);
  path = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

} // namespace xisa::test
