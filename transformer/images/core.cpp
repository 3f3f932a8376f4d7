// core-<tid>.img: one thread's registers, plus the task's core and ids for
// the main thread.
#include "images/codecs.h"
#include "images/image_file.h"

namespace xisa::images {

Isa isa_of(const ThreadInfo &info) {
  static constexpr Isa kByIndex[] = {Isa::X86_64, Isa::AArch64, Isa::PPC64LE};
  return kByIndex[info.index()];
}

uint64_t thread_pointer(const ThreadInfo &info) {
  struct {
    uint64_t operator()(const X86ThreadInfo &t) const { return t.gpregs.fs_base; }
    uint64_t operator()(const Aarch64ThreadInfo &t) const { return t.tls; }
    uint64_t operator()(const Ppc64ThreadInfo &t) const { return t.gpr[13]; }
  } get;
  return std::visit(get, info);
}

uint64_t program_counter(const ThreadInfo &info) {
  struct {
    uint64_t operator()(const X86ThreadInfo &t) const { return t.gpregs.ip; }
    uint64_t operator()(const Aarch64ThreadInfo &t) const { return t.pc; }
    uint64_t operator()(const Ppc64ThreadInfo &t) const { return t.nip; }
  } get;
  return std::visit(get, info);
}

uint64_t stack_pointer(const ThreadInfo &info) {
  struct {
    uint64_t operator()(const X86ThreadInfo &t) const { return t.gpregs.sp; }
    uint64_t operator()(const Aarch64ThreadInfo &t) const { return t.sp; }
    uint64_t operator()(const Ppc64ThreadInfo &t) const { return t.gpr[1]; }
  } get;
  return std::visit(get, info);
}

static std::string core_name(uint32_t tid) { return "core-" + std::to_string(tid) + ".img"; }

static ThreadInfo thread_info_from_pb(const CoreEntry &core, const std::string &image) {
  switch (core.mtype) {
  case CORE_ENTRY__MARCH__X86_64:
    if (core.thread_info)
      return from_pb(*core.thread_info, image);
    break;
  case CORE_ENTRY__MARCH__AARCH64:
    if (core.ti_aarch64)
      return from_pb(*core.ti_aarch64, image);
    break;
  case CORE_ENTRY__MARCH__PPC64:
    if (core.ti_ppc64)
      return from_pb(*core.ti_ppc64, image);
    break;
  default:
    fail("{}: architecture {} is not one xisa handles ({})", image, int(core.mtype), isa_names());
  }
  fail("{}: no thread_info for its architecture: the image is corrupt", image);
}

void read_core(const fs::path &dir, uint32_t tid, Thread &thread, Process *task) {
  std::string name = core_name(tid);
  ImageReader reader(dir / name, Magic::Core);
  PbPtr<CoreEntry> core = reader.only<CoreEntry>(core_entry__descriptor);
  thread.tid = tid;
  thread.info = thread_info_from_pb(*core, name);
  if (const ThreadCoreEntry *tc = core->thread_core) {
    thread.blk_sigset = tc->blk_sigset;
    if (tc->comm)
      thread.comm = tc->comm;
  }
  if (!task)
    return;
  if (!core->tc || !core->ids)
    fail("{}: the main thread's core has no task core or ids: the image is corrupt", name);
  const TaskCoreEntry &tc = *core->tc;
  task->task = {tc.task_state, tc.exit_code, tc.personality, tc.flags, tc.blk_sigset, tc.comm};
  const TaskKobjIdsEntry &ids = *core->ids;
  task->ids = {ids.vm_id, ids.files_id, ids.fs_id, ids.sighand_id};
}

void write_core(const Thread &thread, const Process *task, const fs::path &dir) {
  CoreEntry core = CORE_ENTRY__INIT;
  X86Pb x86;
  Aarch64Pb aarch64;
  Ppc64Pb ppc64;
  struct {
    CoreEntry &core;
    X86Pb &x86;
    Aarch64Pb &aarch64;
    Ppc64Pb &ppc64;
    void operator()(const X86ThreadInfo &t) { to_pb(t, x86, core); }
    void operator()(const Aarch64ThreadInfo &t) { to_pb(t, aarch64, core); }
    void operator()(const Ppc64ThreadInfo &t) { to_pb(t, ppc64, core); }
  } fill{core, x86, aarch64, ppc64};
  std::visit(fill, thread.info);

  ThreadCoreEntry thread_core = THREAD_CORE_ENTRY__INIT;
  thread_core.has_blk_sigset = true;
  thread_core.blk_sigset = thread.blk_sigset;
  thread_core.comm = const_cast<char *>(thread.comm.c_str());
  core.thread_core = &thread_core;

  TaskCoreEntry tc = TASK_CORE_ENTRY__INIT;
  TaskKobjIdsEntry ids = TASK_KOBJ_IDS_ENTRY__INIT;
  if (task) {
    tc.task_state = task->task.task_state;
    tc.exit_code = task->task.exit_code;
    tc.personality = task->task.personality;
    tc.flags = task->task.flags;
    tc.blk_sigset = task->task.blk_sigset;
    tc.comm = const_cast<char *>(task->task.comm.c_str());
    core.tc = &tc;
    ids.vm_id = task->ids.vm_id;
    ids.files_id = task->ids.files_id;
    ids.fs_id = task->ids.fs_id;
    ids.sighand_id = task->ids.sighand_id;
    core.ids = &ids;
  }
  ImageWriter writer(Magic::Core);
  writer.add(core.base);
  writer.save(dir / core_name(thread.tid));
}

} // namespace xisa::images
