// A CRIU image set as plain structs: the images xisa reads and writes
// (inventory, pstree, core per thread, mm, pagemap + pages, files, fs).
// Field names follow CRIU's images/*.proto so crit output reads the same.
// Images of other kinds in a directory are not modelled; tools that rewrite
// a set copy them through unchanged (see image_file_names()).
#pragma once
#include "images/memory.h"
#include "support/isa.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace xisa::images {

// task_kobj_ids_entry: which shared kernel objects a task uses.
struct TaskIds {
  uint32_t vm_id = 0;
  uint32_t files_id = 0;
  uint32_t fs_id = 0;
  uint32_t sighand_id = 0;

  bool operator==(const TaskIds &) const = default;
};

struct Inventory {
  uint32_t img_version = 2; // CRTOOLS_IMAGES_V1_1
  bool fdinfo_per_id = true;
  bool ns_per_id = true;
  std::optional<TaskIds> root_ids;
  std::optional<uint64_t> dump_uptime;

  bool operator==(const Inventory &) const = default;
};

struct PstreeEntry {
  uint32_t pid = 0;
  uint32_t ppid = 0;
  uint32_t pgid = 0;
  uint32_t sid = 0;
  std::vector<uint32_t> threads;

  bool operator==(const PstreeEntry &) const = default;
};

// user_x86_regs_entry: the kernel's struct user_regs_struct.
struct X86Regs {
  uint64_t r15 = 0, r14 = 0, r13 = 0, r12 = 0, bp = 0, bx = 0, r11 = 0, r10 = 0, r9 = 0,
           r8 = 0, ax = 0, cx = 0, dx = 0, si = 0, di = 0, orig_ax = 0, ip = 0, cs = 0x33,
           flags = 0x202, sp = 0, ss = 0x2b, fs_base = 0, gs_base = 0, ds = 0, es = 0, fs = 0,
           gs = 0;

  bool operator==(const X86Regs &) const = default;
};

// user_x86_fpregs_entry: fxsave layout; xmm_space holds xmm0-15, 4 words each.
struct X86FpRegs {
  uint32_t cwd = 0x37f, swd = 0, twd = 0, fop = 0;
  uint64_t rip = 0, rdp = 0;
  uint32_t mxcsr = 0x1f80, mxcsr_mask = 0xffff;
  std::array<uint32_t, 32> st_space{};
  std::array<uint32_t, 64> xmm_space{};
  // xsave extension: kept when present (ymm upper halves etc.).
  std::optional<uint64_t> xstate_bv;
  std::vector<uint32_t> ymmh_space;

  bool operator==(const X86FpRegs &) const = default;
};

struct X86ThreadInfo {
  uint64_t clear_tid_addr = 0;
  X86Regs gpregs;
  X86FpRegs fpregs;

  bool operator==(const X86ThreadInfo &) const = default;
};

struct Aarch64ThreadInfo {
  uint64_t clear_tid_addr = 0;
  uint64_t tls = 0; // TPIDR_EL0, the thread pointer
  std::array<uint64_t, 31> regs{};
  uint64_t sp = 0, pc = 0, pstate = 0;
  std::array<uint64_t, 64> vregs{}; // v0-v31, low doubleword first
  uint32_t fpsr = 0, fpcr = 0;

  bool operator==(const Aarch64ThreadInfo &) const = default;
};

struct Ppc64ThreadInfo {
  uint64_t clear_tid_addr = 0;
  std::array<uint64_t, 32> gpr{}; // r13 is the thread pointer
  uint64_t nip = 0, msr = 0x800000000280f033, orig_gpr3 = 0, ctr = 0, link = 0, xer = 0,
           ccr = 0, trap = 0;
  std::array<uint64_t, 33> fpregs{};  // f0-f31, fpscr
  std::array<uint64_t, 66> vrregs{};  // v0-v31 as two doublewords each, vscr
  uint32_t vrsave = 0;
  std::array<uint64_t, 32> vsxregs{}; // low doublewords of vs0-vs31

  bool operator==(const Ppc64ThreadInfo &) const = default;
};

using ThreadInfo = std::variant<X86ThreadInfo, Aarch64ThreadInfo, Ppc64ThreadInfo>;

Isa isa_of(const ThreadInfo &info);
uint64_t thread_pointer(const ThreadInfo &info);
uint64_t program_counter(const ThreadInfo &info);
uint64_t stack_pointer(const ThreadInfo &info);

// One core-<tid>.img.
struct Thread {
  uint32_t tid = 0;
  ThreadInfo info;
  uint64_t blk_sigset = 0;
  std::string comm;

  bool operator==(const Thread &) const = default;
};

// task_core_entry of the main thread.
struct TaskCore {
  uint32_t task_state = 1; // TASK_ALIVE
  uint32_t exit_code = 0;
  uint32_t personality = 0;
  uint32_t flags = 0;
  uint64_t blk_sigset = 0;
  std::string comm;

  bool operator==(const TaskCore &) const = default;
};

// vma_entry.
struct Vma {
  uint64_t start = 0, end = 0, pgoff = 0, shmid = 0;
  uint32_t prot = 0, flags = 0, status = 0;
  int64_t fd = -1;
  std::optional<uint64_t> madv;
  std::optional<uint32_t> fdflags;

  bool operator==(const Vma &) const = default;
};

// mm_entry.
struct Mm {
  uint64_t mm_start_code = 0, mm_end_code = 0, mm_start_data = 0, mm_end_data = 0,
           mm_start_stack = 0, mm_start_brk = 0, mm_brk = 0, mm_arg_start = 0, mm_arg_end = 0,
           mm_env_start = 0, mm_env_end = 0;
  uint32_t exe_file_id = 0;
  std::vector<uint64_t> mm_saved_auxv;
  std::vector<Vma> vmas;
  std::optional<int32_t> dumpable;

  bool operator==(const Mm &) const = default;
};

struct FsEntry {
  uint32_t cwd_id = 0;
  uint32_t root_id = 0;
  std::optional<uint32_t> umask;

  bool operator==(const FsEntry &) const = default;
};

// reg_file_entry inside a file_entry of type REG.
struct RegFile {
  uint32_t id = 0;
  uint32_t flags = 0;
  uint64_t pos = 0;
  std::string name;
  uint32_t fown_uid = 0, fown_euid = 0;
  std::optional<int32_t> mnt_id;
  std::optional<uint64_t> size;
  std::optional<uint32_t> mode;
  std::vector<uint32_t> build_id; // as CRIU stores it; xisa puts the .xisa.info build id here

  bool operator==(const RegFile &) const = default;
};

struct Files {
  std::vector<RegFile> regular;
  // file_entry messages of other types, packed, kept as they came.
  std::vector<std::vector<uint8_t>> other;

  const RegFile *find(uint32_t id) const;
  RegFile *find(uint32_t id);

  bool operator==(const Files &) const = default;
};

struct Process {
  PstreeEntry pstree;
  TaskCore task;
  TaskIds ids;
  std::vector<Thread> threads; // threads[0] is the main thread (tid == pid)
  Mm mm;
  Memory memory;
  FsEntry fs;

  bool operator==(const Process &) const = default;
};

struct ImageSet {
  Inventory inventory;
  std::vector<Process> processes; // pstree order; processes[0] is the root
  Files files;

  bool operator==(const ImageSet &) const = default;
};

ImageSet read_image_set(const std::filesystem::path &dir);
// Writes the modelled images into dir (created if needed).
void write_image_set(const ImageSet &set, const std::filesystem::path &dir);
// Names of the files write_image_set() writes for set.
std::vector<std::string> image_file_names(const ImageSet &set);

} // namespace xisa::images
