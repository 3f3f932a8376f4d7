#include "transform/musl_tls.h"

#include "support/error.h"
#include "transform/mappings.h"
#include "xisa/musl_thread.h"
#include "xisa/wire.h"

#include <sys/mman.h>

#include <array>
#include <cstring>
#include <optional>
#include <vector>

namespace xisa::transform {

namespace {

constexpr uint64_t kPthreadSize = XISA_MUSL_PTHREAD_SIZE;
constexpr uint64_t kPart2Size = XISA_MUSL_PART2_SIZE;
constexpr uint64_t kTsdInPart2 = XISA_MUSL_TSD_IN_PART2;
constexpr uint64_t kRobustHeadInPart2 = XISA_MUSL_ROBUST_HEAD_IN_PART2;
constexpr uint64_t kTsdSize = XISA_MUSL_TSD_SIZE;
constexpr uint64_t kDtvSize = XISA_MUSL_DTV_SIZE;

constexpr xisa_musl_layout kX86_64 = XISA_MUSL_LAYOUT_X86_64;
constexpr xisa_musl_layout kAarch64 = XISA_MUSL_LAYOUT_AARCH64;
constexpr xisa_musl_layout kPpc64le = XISA_MUSL_LAYOUT_PPC64LE;

const xisa_musl_layout &layout(Isa isa) {
  switch (isa) {
  case Isa::X86_64:
    return kX86_64;
  case Isa::AArch64:
    return kAarch64;
  case Isa::PPC64LE:
    return kPpc64le;
  }
  return kX86_64;
}

struct Range {
  uint64_t start = 0, end = 0;

  bool overlaps(const Range &o) const { return start < o.end && o.start < end; }
  uint64_t size() const { return end - start; }
};

// The runtime's room at the top of the mapping holding self (wire.h), if
// that mapping has one. The destination's TLS block may reach into its
// bottom (musl leaves out the thread-specific data when the program has no
// pthread keys, so an x86-64 descriptor ends right below the room); musl's
// data that has to make way goes to the slots at its top, below the tag.
struct Room {
  Range tsd, dtv;
  Range reserved; // the slots and the tag
};

std::optional<Room> find_room(const ThreadMemory &thread, uint64_t self) {
  const images::Vma *vma = mapping_at(thread.vmas, self);
  xisa_thread_room_tag tag;
  uint64_t at = vma ? vma->end - sizeof tag : 0;
  if (!vma || !thread.memory.contains(at, sizeof tag))
    return std::nullopt;
  thread.memory.read(at, {reinterpret_cast<uint8_t *>(&tag), sizeof tag});
  if (std::memcmp(tag.magic, XISA_THREAD_ROOM_MAGIC, sizeof tag.magic) != 0 ||
      tag.size < kTsdSize + kDtvSize + sizeof tag || tag.size > vma->end - vma->start)
    return std::nullopt;
  uint64_t dtv = at - kDtvSize, tsd = dtv - kTsdSize;
  return Room{{tsd, tsd + kTsdSize}, {dtv, dtv + kDtvSize}, {tsd, vma->end}};
}

// musl's data that the descriptor points to and the destination's TLS
// block must not cover: the thread-specific data and the dtv.
struct Pointee {
  uint64_t field; // offset of the pointer in the destination descriptor
  Range at;
  std::vector<uint8_t> bytes;
};

} // namespace

uint64_t relay_thread_area(const ThreadMemory &thread, const TlsSide &src, const TlsSide &dst,
                           uint64_t src_tp) {
  images::Memory &memory = thread.memory;
  const xisa_musl_layout &from = layout(src.isa), &to = layout(dst.isa);
  if (src.info.tls_mem_size != dst.info.tls_mem_size ||
      src.info.tls_file_size != dst.info.tls_file_size)
    fail("the TLS segments differ ({} bytes on {}, {} on {}): the executables do not come from "
         "one xisa-cc link",
         src.info.tls_mem_size, name(src.isa), dst.info.tls_mem_size, name(dst.isa));
  uint64_t self = src_tp - from.tp_from_self;
  uint64_t dst_tp = self + to.tp_from_self;
  uint64_t src_tls = src_tp + src.info.tp_offset;
  uint64_t tls_size = src.info.tls_mem_size;
  Range block{dst_tp + dst.info.tp_offset, dst_tp + dst.info.tp_offset + tls_size};
  if (!memory.contains(self, kPthreadSize))
    fail("the thread descriptor at {:#x} (thread pointer {:#x}) is not in the dumped memory",
         self, src_tp);
  if (self == 0 || memory.load64(self) != self)
    fail("the thread pointer {:#x} does not lead to a musl thread descriptor (its self pointer "
         "is wrong)",
         src_tp);
  if (!is_mapped(thread.vmas, block.start, block.end, PROT_READ | PROT_WRITE) ||
      block.overlaps({thread.stack_lo, thread.stack_hi}))
    fail("no room for the {} TLS block at [{:#x}, {:#x}) next to the thread descriptor at {:#x}: "
         "it lies outside the process's writable mappings or on the thread's live frames (up to {:#x}); "
         "the runtime's pthread_create leaves room for every ISA's layout, but not in a stack "
         "the program gave it",
         name(dst.isa), block.start, block.end, self, thread.stack_hi);

  std::array<uint8_t, kPthreadSize> old_desc;
  memory.read(self, old_desc);
  std::vector<uint8_t> tls(tls_size);
  memory.read(src_tls, tls);
  auto field = [&](uint64_t offset) {
    uint64_t v;
    std::memcpy(&v, old_desc.data() + offset, 8);
    return v;
  };

  std::optional<Room> room = find_room(thread, self);
  if (room && block.overlaps(room->reserved))
    fail("the {} TLS block at [{:#x}, {:#x}) reaches into the runtime's slots at {:#x}",
         name(dst.isa), block.start, block.end, room->reserved.start);

  // What the block would cover moves into the runtime's room; everything is
  // read before anything is written, since old and new places may overlap.
  std::vector<Pointee> moved;
  auto make_way = [&](const char *what, uint64_t src_field, uint64_t dst_field, uint64_t size,
                      Range Room::*slot) {
    uint64_t at = field(src_field);
    if (!at || !Range{at, at + size}.overlaps(block))
      return;
    if (!room)
      fail("the {} TLS block at [{:#x}, {:#x}) would cover musl's {} at {:#x}, and the thread's "
           "mapping has no room of the xisa runtime's to move it to: the program gave "
           "pthread_create a stack of its own, or its TLS is too large for musl to place in a "
           "given stack; such a thread migrates only to its own ISA",
           name(dst.isa), block.start, block.end, what, at);
    Pointee p{dst_field, (*room).*slot, std::vector<uint8_t>(size)};
    memory.read(at, p.bytes);
    moved.push_back(std::move(p));
  };
  make_way("thread-specific data", from.part2 + kTsdInPart2, to.part2 + kTsdInPart2, kTsdSize,
           &Room::tsd);
  make_way("dtv", from.dtv, to.dtv, kDtvSize, &Room::dtv);

  memory.ensure(block.start, block.size());
  memory.write(block.start, tls);
  std::array<uint8_t, kPthreadSize> desc{};
  auto put = [&](uint64_t offset, uint64_t v) { std::memcpy(desc.data() + offset, &v, 8); };
  put(0, self);
  put(to.prev, field(from.prev));
  put(to.next, field(from.next));
  put(to.sysinfo, field(from.sysinfo));
  put(to.canary, field(from.canary));
  put(to.dtv, field(from.dtv));
  std::memcpy(desc.data() + to.part2, old_desc.data() + from.part2, kPart2Size);
  uint64_t robust_from = self + from.part2 + kRobustHeadInPart2;
  if (field(from.part2 + kRobustHeadInPart2) == robust_from)
    put(to.part2 + kRobustHeadInPart2, self + to.part2 + kRobustHeadInPart2);
  for (const Pointee &p : moved) {
    memory.ensure(p.at.start, p.at.size());
    memory.write(p.at.start, p.bytes);
    put(p.field, p.at.start);
  }
  memory.write(self, desc);

  // A static program has one TLS module: dtv = {1, block + bias}.
  uint64_t dtv;
  std::memcpy(&dtv, desc.data() + to.dtv, 8);
  if (dtv && memory.contains(dtv, kDtvSize) && memory.load64(dtv) == 1 &&
      memory.load64(dtv + 8) == src_tls + from.dtv_bias)
    memory.store64(dtv + 8, block.start + to.dtv_bias);
  return dst_tp;
}

} // namespace xisa::transform
