// Synthetic programs and parked stacks for the transformation tests.
//
// Each ISA gets four functions whose frames look like what clang emits for
// that ISA (frame pointer, return-address slot, saved callee-saved GPR and
// FP register, stack slots), described by explicit formulas here, so the
// tests write source stacks and check destination stacks independently of
// the transformer's own frame walking.
#pragma once
#include "images/image_set.h"
#include "transform/program.h"
#include "transform/registers.h"

#include <cstdint>
#include <vector>

namespace xisa::test {

inline constexpr unsigned kFunctions = 4;
inline constexpr uint64_t kStackTop = 0x7f0000100000;
inline constexpr uint64_t kStackBytes = 1 << 20;
inline constexpr uint64_t kBaseFp = kStackTop - 0x40; // the runtime's base frame
// r31 of a ppc64 thread at its base frame: unrelated to the frame chain.
inline constexpr uint64_t kPpcBaseR31 = 0x3131313131313131;
inline constexpr uint64_t kTlsArea = 0x10000000;
inline constexpr uint64_t kTlsSelf = kTlsArea + 0x800; // the musl descriptor
inline constexpr uint64_t kTlsSize = 64;
inline constexpr uint64_t kDtv = kTlsArea + 0x1000;
inline constexpr uint64_t kExeStart = 0x400000;
inline constexpr uint32_t kExeFileId = 7;
// The runtime's jmp_buf table (wire.h, struct xisa_jmp_bufs), at the bottom
// of thread 0's stack mapping, far below its frames; zero (no setjmp ran)
// unless a test writes it.
inline constexpr uint64_t kJmpBufTable = kStackTop - kStackBytes;
// Thread t's stack and TLS area sit t * kThreadShift above thread 0's.
inline constexpr uint64_t kThreadShift = 0x200000;
// CRIU's vma_entry.status bits.
inline constexpr uint32_t kVmaRegular = 1u << 0, kVmaFilePrivate = 1u << 6,
                          kVmaAnonPrivate = 1u << 9;

// The live values of one frame, as 64-bit patterns (v2 is a double).
// Frame k runs function k % kFunctions; even functions keep v0 in a
// callee-saved GPR and v2 in a callee-saved FP register (none on x86-64),
// and save both in their prologue.
struct FrameValues {
  uint64_t v0, v1, v2, v4;
};
inline constexpr int kLiveValues = 5; // v3 is the constant 7

FrameValues values_for_frame(size_t k);

// Metadata and ELF facts of the synthetic executable for isa.
transform::Program make_program(Isa isa, std::array<uint8_t, 16> build_id = {1, 2, 3});
// Its ELF facts alone, for a program made from edited metadata.
transform::ElfFacts elf_facts(Isa isa);

// A parked thread of `depth` frames: frame k runs function k % kFunctions,
// parked at its migration-point call when innermost. Writes the stack and
// the TLS area into memory; returns the registers.
transform::RegFile write_stack(Isa isa, size_t depth, images::Memory &memory,
                               uint64_t shift = 0);
// Memory with two pages of code, and the TLS area and stack (zeroed) of
// `threads` threads.
images::Memory make_memory(unsigned threads = 1);
// A one-process image set parked in write_stack's stack, with mappings for
// the executable (file kExeFileId), the TLS area and the stack.
images::ImageSet make_parked_set(Isa isa, size_t depth, unsigned threads = 1);

// Reads the live values of every frame back, walking the frame chain by the
// formulas; checks pc, thread pointer, return addresses, saved frame
// pointers and back chains on the way (std::runtime_error if one is off).
std::vector<FrameValues> read_stack(Isa isa, size_t depth, const transform::RegFile &regs,
                                    const images::Memory &memory, uint64_t shift = 0);

} // namespace xisa::test
