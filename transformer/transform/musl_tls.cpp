#include "transform/musl_tls.h"

#include "support/error.h"

#include <array>
#include <cstring>
#include <vector>

namespace xisa::transform {

namespace {

constexpr uint64_t kPthreadSize = 200;
// Size of the implementation-defined middle of struct pthread (tid ..
// stdio_locks), the same on every ISA since all are LP64.
constexpr uint64_t kPart2Size = 152;
// robust_list.head points at itself; its offset inside the middle part.
constexpr uint64_t kRobustHeadInPart2 = 88;

struct PthreadLayout {
  uint64_t prev, next, sysinfo, canary, dtv, part2;
  uint64_t tp_from_self; // TP - self
  uint64_t dtv_bias;     // DTP_OFFSET: dtv[i] = TLS block + bias
};

constexpr PthreadLayout kVariantII = {16, 24, 32, 40, 8, 48, 0, 0};
constexpr PthreadLayout kAboveTpAarch64 = {8, 16, 24, 184, 192, 32, kPthreadSize, 0};
constexpr PthreadLayout kAboveTpPpc64 = {8, 16, 24, 184, 192, 32, kPthreadSize + 0x7000, 0x8000};

const PthreadLayout &layout(Isa isa) {
  switch (isa) {
  case Isa::X86_64:
    return kVariantII;
  case Isa::AArch64:
    return kAboveTpAarch64;
  case Isa::PPC64LE:
    return kAboveTpPpc64;
  }
  return kVariantII;
}

} // namespace

uint64_t relay_thread_area(images::Memory &memory, const TlsSide &src, const TlsSide &dst,
                           uint64_t src_tp) {
  const PthreadLayout &from = layout(src.isa), &to = layout(dst.isa);
  if (src.info.tls_mem_size != dst.info.tls_mem_size ||
      src.info.tls_file_size != dst.info.tls_file_size)
    fail("the TLS segments differ ({} bytes on {}, {} on {}): the executables do not come from "
         "one xisa-cc link",
         src.info.tls_mem_size, name(src.isa), dst.info.tls_mem_size, name(dst.isa));
  uint64_t self = src_tp - from.tp_from_self;
  uint64_t dst_tp = self + to.tp_from_self;
  uint64_t src_tls = src_tp + src.info.tp_offset;
  uint64_t dst_tls = dst_tp + dst.info.tp_offset;
  uint64_t tls_size = src.info.tls_mem_size;
  if (!memory.contains(self, kPthreadSize))
    fail("the thread descriptor at {:#x} (thread pointer {:#x}) is not in the dumped memory",
         self, src_tp);
  if (!memory.contains(dst_tls, tls_size))
    fail("no room for the {} TLS block at [{:#x}, {:#x}) next to the thread descriptor at {:#x}: "
         "the runtime must place thread descriptors in an area with room for every ISA's layout",
         name(dst.isa), dst_tls, dst_tls + tls_size, self);
  if (self == 0 || memory.load64(self) != self)
    fail("the thread pointer {:#x} does not lead to a musl thread descriptor (its self pointer "
         "is wrong)",
         src_tp);

  std::array<uint8_t, kPthreadSize> old_desc;
  memory.read(self, old_desc);
  std::vector<uint8_t> tls(tls_size);
  memory.read(src_tls, tls);
  auto field = [&](uint64_t offset) {
    uint64_t v;
    std::memcpy(&v, old_desc.data() + offset, 8);
    return v;
  };

  // Both were read before anything is written: the source and destination
  // blocks may overlap.
  memory.write(dst_tls, tls);
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
  memory.write(self, desc);

  // A static program has one TLS module: dtv = {1, block + bias}.
  uint64_t dtv = field(from.dtv);
  if (dtv && memory.contains(dtv, 16) && memory.load64(dtv) == 1 &&
      memory.load64(dtv + 8) == src_tls + from.dtv_bias)
    memory.store64(dtv + 8, dst_tls + to.dtv_bias);
  return dst_tp;
}

} // namespace xisa::transform
