// musl's thread data moved between ISAs in a thread mapping laid out as the
// runtime's pthread_create leaves it: musl's data at the top of the stack it
// was given, the runtime's room above, the thread's frames below. The
// layout here follows musl 1.2.3's pthread_create and __copy_tls, written
// out independently of the transformer.
#include "images/image_set.h"
#include "support/error.h"
#include "synthetic_stack.h"
#include "transform/musl_tls.h"
#include "xisa/wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cstring>

using namespace xisa;
using namespace xisa::images;
using testing::HasSubstr;

namespace {

constexpr uint64_t kMapStart = 0x7e0000000000;
constexpr uint64_t kStackTop = kMapStart + 0x10000; // the top of the stack given to musl
// musl's thread-specific data array: 128 pointers, or none when the
// program links no pthread_key_create (a weak zero __pthread_tsd_size).
constexpr uint64_t kTsdSize = 1024;
constexpr uint64_t kAlign = 8;
constexpr uint64_t kTlsSize = test::kTlsSize;
constexpr uint64_t kCanary = 0x5eed5eed5eed5eed;

bool above_tp(Isa isa) { return isa != Isa::X86_64; }
uint64_t part2_of(Isa isa) { return above_tp(isa) ? 32 : 48; }
uint64_t dtv_field(Isa isa) { return above_tp(isa) ? 192 : 8; }
uint64_t dtv_bias(Isa isa) { return isa == Isa::PPC64LE ? 0x8000 : 0; }
uint64_t tls_of_self(Isa isa, uint64_t self) {
  return isa == Isa::X86_64 ? self - kTlsSize : self + 200 + (isa == Isa::AArch64 ? 16 : 0);
}
uint64_t tp_of_self(Isa isa, uint64_t self) {
  return isa == Isa::X86_64 ? self : isa == Isa::AArch64 ? self + 200 : self + 200 + 0x7000;
}

// Where musl put a thread's data, and what it wrote there.
struct MuslThread {
  uint64_t self, tls, dtv, tsd, area;
};

// musl's pthread_create with a given stack ending at kStackTop: tsd at the
// top, the TLS area (libc.tls_size) below it, __copy_tls's layout inside.
MuslThread musl_layout(Isa isa, uint64_t tsd_size) {
  uint64_t gap = isa == Isa::AArch64 ? 16 : 0; // GAP_ABOVE_TP
  uint64_t tls_size = (16 + 200 + (above_tp(isa) ? gap : 0) + kTlsSize + kAlign + 7) & ~7ull;
  MuslThread t;
  t.tsd = kStackTop - tsd_size;
  t.area = t.tsd - tls_size;
  if (above_tp(isa)) {
    t.dtv = t.area + tls_size - 16;
    t.self = t.area + (-(t.area + 200) & (kAlign - 1));
    t.tls = t.self + 200 + gap;
  } else {
    t.dtv = t.area;
    t.self = (t.area + tls_size - 200) & ~(kAlign - 1);
    t.tls = t.self - kTlsSize;
  }
  return t;
}

struct Fixture {
  Memory memory;
  std::vector<Vma> vmas;
  uint64_t tsd_size;
  MuslThread musl;
};

// A thread mapping [kMapStart, kStackTop + room) whose stack pages hold a
// pattern (frames), with musl's data of `isa` at the top of the stack.
Fixture make_thread(Isa isa, bool with_room, uint64_t tsd_size = kTsdSize) {
  Fixture f;
  f.tsd_size = tsd_size;
  uint64_t end = kStackTop + (with_room ? XISA_THREAD_ROOM_SIZE : 0);
  std::vector<uint8_t> bytes(end - kMapStart);
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = uint8_t(0xa5 ^ (i >> 3));
  std::fill(bytes.end() - (end - (kStackTop - 0x1000)), bytes.end(), 0);
  f.memory.append(kMapStart, bytes);
  f.vmas.push_back({kMapStart, end, 0, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                    test::kVmaRegular | test::kVmaAnonPrivate, -1, {}, {}});
  if (with_room) {
    xisa_thread_room_tag tag;
    std::memcpy(tag.magic, XISA_THREAD_ROOM_MAGIC, sizeof tag.magic);
    tag.size = XISA_THREAD_ROOM_SIZE;
    f.memory.write(end - sizeof tag, {reinterpret_cast<const uint8_t *>(&tag), sizeof tag});
  }
  MuslThread t = f.musl = musl_layout(isa, tsd_size);
  Memory &m = f.memory;
  m.store64(t.self, t.self);
  m.store64(t.self + dtv_field(isa), t.dtv);
  m.store64(t.self + (above_tp(isa) ? 184 : 40), kCanary);
  uint64_t part2 = t.self + part2_of(isa);
  m.store64(part2, 777);               // tid
  m.store64(part2 + 80, t.tsd);        // tsd
  m.store64(part2 + 88, part2 + 88);   // robust_list.head
  m.store64(t.dtv, 1);
  m.store64(t.dtv + 8, t.tls + dtv_bias(isa));
  for (uint64_t i = 0; i < kTlsSize; i += 8)
    m.store64(t.tls + i, 0x7100 + i);
  for (uint64_t i = 0; i < tsd_size; i += 8)
    m.store64(t.tsd + i, 0x5500 + i);
  return f;
}

// The live frames: everything below the stack's top page.
transform::ThreadMemory thread_memory(Fixture &f) {
  return {f.memory, f.vmas, kMapStart, kStackTop - 0x1000};
}

uint64_t relay(Fixture &f, Isa from, Isa to, uint64_t tp) {
  transform::Program src = test::make_program(from), dst = test::make_program(to);
  return transform::relay_thread_area(thread_memory(f), {from, src.info()}, {to, dst.info()}, tp);
}

// What the destination's musl reads through the thread pointer.
void expect_destination_view(const Fixture &f, Isa isa, uint64_t tp, uint64_t self) {
  const Memory &m = f.memory;
  ASSERT_EQ(tp, tp_of_self(isa, self));
  EXPECT_EQ(m.load64(self), self) << "self";
  EXPECT_EQ(m.load64(self + (above_tp(isa) ? 184 : 40)), kCanary) << "canary";
  uint64_t part2 = self + part2_of(isa);
  EXPECT_EQ(m.load64(part2), 777u) << "tid";
  EXPECT_EQ(m.load64(part2 + 88), part2 + 88) << "robust list head";
  uint64_t tls = tls_of_self(isa, self);
  for (uint64_t i = 0; i < kTlsSize; i += 8)
    EXPECT_EQ(m.load64(tls + i), 0x7100 + i) << "TLS word " << i;
  uint64_t dtv = m.load64(self + dtv_field(isa));
  EXPECT_EQ(m.load64(dtv), 1u) << "dtv count";
  EXPECT_EQ(m.load64(dtv + 8), tls + dtv_bias(isa)) << "dtv[1]";
  uint64_t tsd = m.load64(part2 + 80);
  for (uint64_t i = 0; i < f.tsd_size; i += 8)
    EXPECT_EQ(m.load64(tsd + i), 0x5500 + i) << "thread-specific data word " << i;
  EXPECT_FALSE(tsd < tls + kTlsSize && tls < tsd + f.tsd_size) << "TLS block covers the tsd";
  EXPECT_FALSE(dtv < tls + kTlsSize && tls < dtv + 16) << "TLS block covers the dtv";
}

void expect_frames_untouched(const Fixture &f) {
  for (uint64_t a = kMapStart; a < kStackTop - 0x1000; a += 0x100) {
    uint64_t i = a - kMapStart;
    ASSERT_EQ(f.memory.load64(a) & 0xff, uint8_t(0xa5 ^ (i >> 3))) << std::hex << a;
  }
}

using Case = std::tuple<Isa, Isa, uint64_t>;
class ThreadArea : public testing::TestWithParam<Case> {};

TEST_P(ThreadArea, DestinationLayoutFitsTheRuntimesMapping) {
  auto [from, to, tsd_size] = GetParam();
  Fixture f = make_thread(from, true, tsd_size);
  uint64_t self = f.musl.self;
  uint64_t tp = relay(f, from, to, tp_of_self(from, self));
  expect_destination_view(f, to, tp, self);
  expect_frames_untouched(f);
}

std::string case_name(const testing::TestParamInfo<Case> &info) {
  auto [from, to, tsd_size] = info.param;
  return std::string(name(from)) + "_to_" + std::string(name(to)) +
         (tsd_size ? "_with_tsd" : "_without_tsd");
}

INSTANTIATE_TEST_SUITE_P(AllPairs, ThreadArea,
                         testing::Combine(testing::ValuesIn(kAllIsas), testing::ValuesIn(kAllIsas),
                                          testing::Values(kTsdSize, uint64_t(0))),
                         case_name);

TEST(ThreadAreaHops, EveryDirectionInTurn) {
  const Isa hops[] = {Isa::X86_64, Isa::AArch64, Isa::X86_64, Isa::PPC64LE,
                      Isa::AArch64, Isa::PPC64LE, Isa::X86_64};
  Fixture f = make_thread(hops[0], true);
  uint64_t self = f.musl.self, tp = tp_of_self(hops[0], self);
  for (size_t i = 1; i < std::size(hops); ++i) {
    SCOPED_TRACE(fmt::format("{} -> {}", name(hops[i - 1]), name(hops[i])));
    tp = relay(f, hops[i - 1], hops[i], tp);
    expect_destination_view(f, hops[i], tp, self);
  }
  expect_frames_untouched(f);
}

TEST(ThreadAreaRefuses, MuslDataInTheWayWithoutRoom) {
  // musl's own mapping (or a stack the program gave): the x86-64 tsd sits
  // right above the descriptor, where aarch64 wants the TLS block.
  Fixture f = make_thread(Isa::X86_64, false);
  EXPECT_THAT([&] { relay(f, Isa::X86_64, Isa::AArch64, f.musl.self); },
              testing::ThrowsMessage<Error>(HasSubstr("no room of the xisa runtime's")));
}

TEST(ThreadAreaRefuses, TlsBlockOverLiveFrames) {
  // x86-64 wants the block below the descriptor; there the thread's frames
  // go on up to the descriptor.
  Fixture f = make_thread(Isa::AArch64, true);
  const MuslThread &t = f.musl;
  transform::Program src = test::make_program(Isa::AArch64), dst = test::make_program(Isa::X86_64);
  transform::ThreadMemory mem{f.memory, f.vmas, kMapStart, t.self};
  EXPECT_THAT(
      [&] {
        transform::relay_thread_area(mem, {Isa::AArch64, src.info()}, {Isa::X86_64, dst.info()},
                                     tp_of_self(Isa::AArch64, t.self));
      },
      testing::ThrowsMessage<Error>(HasSubstr("on the thread's live frames")));
}

TEST(ThreadAreaRefuses, TlsBlockInAGuardMapping) {
  // musl's own mapping of the main thread's data on aarch64 starts with the
  // descriptor; below it lies another mapping's guard.
  Fixture f = make_thread(Isa::AArch64, true);
  const MuslThread &t = f.musl;
  Vma guard = f.vmas[0];
  guard.end = t.self;
  guard.prot = PROT_NONE;
  f.vmas[0].start = t.self;
  f.vmas.insert(f.vmas.begin(), guard);
  transform::Program src = test::make_program(Isa::AArch64), dst = test::make_program(Isa::X86_64);
  EXPECT_THAT(
      [&] {
        transform::relay_thread_area({f.memory, f.vmas}, {Isa::AArch64, src.info()},
                                     {Isa::X86_64, dst.info()}, tp_of_self(Isa::AArch64, t.self));
      },
      testing::ThrowsMessage<Error>(HasSubstr("outside the process's writable mappings")));
}

} // namespace
