// Per-image conversion between CRIU's protobuf-c messages and the plain
// structs of image_set.h. Internal to xisa_images.
#pragma once
#include "images/image_set.h"
#include "support/error.h"

#include "core-aarch64.pb-c.h"
#include "core-ppc64.pb-c.h"
#include "core-x86.pb-c.h"
#include "core.pb-c.h"

#include <algorithm>
#include <filesystem>

namespace xisa::images {

namespace fs = std::filesystem;

Inventory read_inventory(const fs::path &dir);
void write_inventory(const Inventory &inventory, const fs::path &dir);

std::vector<PstreeEntry> read_pstree(const fs::path &dir);
void write_pstree(const std::vector<Process> &processes, const fs::path &dir);

// core-<tid>.img; the main thread's also holds the task's core and ids.
void read_core(const fs::path &dir, uint32_t tid, Thread &thread, Process *task);
void write_core(const Thread &thread, const Process *task, const fs::path &dir);

Mm read_mm(const fs::path &dir, uint32_t pid);
void write_mm(const Mm &mm, uint32_t pid, const fs::path &dir);

Memory read_memory(const fs::path &dir, uint32_t pid);
void write_memory(const Memory &memory, uint32_t pid, const fs::path &dir);

Files read_files(const fs::path &dir);
void write_files(const Files &files, const fs::path &dir);

FsEntry read_fs(const fs::path &dir, uint32_t pid);
void write_fs(const FsEntry &fs_entry, uint32_t pid, const fs::path &dir);

// The per-ISA thread_info messages. The *Pb structs own the sub-messages
// and fixed arrays that a CoreEntry points to while it is packed.
struct X86Pb {
  ThreadInfoX86 ti = THREAD_INFO_X86__INIT;
  UserX86RegsEntry gp = USER_X86_REGS_ENTRY__INIT;
  UserX86FpregsEntry fp = USER_X86_FPREGS_ENTRY__INIT;
  UserX86XsaveEntry xsave = USER_X86_XSAVE_ENTRY__INIT;
  std::array<uint32_t, 24> padding{};
};
struct Aarch64Pb {
  ThreadInfoAarch64 ti = THREAD_INFO_AARCH64__INIT;
  UserAarch64RegsEntry gp = USER_AARCH64_REGS_ENTRY__INIT;
  UserAarch64FpsimdContextEntry fpsimd = USER_AARCH64_FPSIMD_CONTEXT_ENTRY__INIT;
};
struct Ppc64Pb {
  ThreadInfoPpc64 ti = THREAD_INFO_PPC64__INIT;
  UserPpc64RegsEntry gp = USER_PPC64_REGS_ENTRY__INIT;
  UserPpc64FpstateEntry fp = USER_PPC64_FPSTATE_ENTRY__INIT;
  UserPpc64VrstateEntry vr = USER_PPC64_VRSTATE_ENTRY__INIT;
  UserPpc64VsxstateEntry vsx = USER_PPC64_VSXSTATE_ENTRY__INIT;
};

X86ThreadInfo from_pb(const ThreadInfoX86 &ti, const std::string &image);
Aarch64ThreadInfo from_pb(const ThreadInfoAarch64 &ti, const std::string &image);
Ppc64ThreadInfo from_pb(const ThreadInfoPpc64 &ti, const std::string &image);
void to_pb(const X86ThreadInfo &info, X86Pb &pb, CoreEntry &core);
void to_pb(const Aarch64ThreadInfo &info, Aarch64Pb &pb, CoreEntry &core);
void to_pb(const Ppc64ThreadInfo &info, Ppc64Pb &pb, CoreEntry &core);

// Copies a repeated field into a fixed array, insisting on its length.
template <typename T, size_t N>
void copy_exact(std::array<T, N> &to, const T *from, size_t n, const char *field,
                const std::string &image) {
  if (n != N)
    fail("{}: {} has {} elements where {} were expected: the image is corrupt or from an "
         "unsupported CRIU version",
         image, field, n, N);
  std::copy_n(from, N, to.begin());
}

// Points a repeated field at a plain array (protobuf-c only reads it).
template <typename T, size_t N> T *repeated(const std::array<T, N> &a) {
  return const_cast<T *>(a.data());
}

} // namespace xisa::images
