// jmp_bufs across ISAs. musl's setjmp stores one ISA's callee-saved
// registers, stack pointer and return address in its own layout (64 bytes
// on x86-64, 176 on AArch64, up to 512 on ppc64le), so a buffer filled
// before a move would send a later longjmp to source addresses with source
// registers. The runtime notes every buffer its setjmp wrappers fill
// (wire.h, struct xisa_jmp_bufs); for each one whose frame is still on a
// stack, the transformer takes the setjmp call site as a second place that
// frame may go on from (a ResumeSite), and writes the buffer anew from the
// registers the rebuilt stack gives that site. Buffers of frames that have
// returned are dropped from the table and left as they are.
#pragma once
#include "images/memory.h"
#include "transform/frames.h"
#include "transform/program.h"
#include "transform/registers.h"

#include <cstdint>
#include <span>
#include <vector>

namespace xisa::transform {

// The registers a musl jmp_buf of `isa` at `buf` holds: its callee-saved
// registers, the stack pointer and pc (the return address of setjmp).
RegFile read_jmp_buf(Isa isa, uint64_t buf, const images::Memory &memory);
// Writes them in musl's layout for `isa`.
void write_jmp_buf(Isa isa, uint64_t buf, const RegFile &regs, images::Memory &memory);

// The runtime's table of one process.
struct JmpBufEntry {
  uint64_t buf = 0, sp = 0; // struct xisa_jmp_buf_entry
  bool live = false;        // its frame is on a thread's stack
};

struct JmpBufTable {
  uint64_t address = 0; // of __xisa_jmp_bufs, 0 when there is nothing to rewrite
  std::vector<JmpBufEntry> entries;
};

// The table in a process moving from src to dst; empty when they share an
// ISA (frames keep their addresses, so every buffer stays valid) or when
// the program never called setjmp.
JmpBufTable read_jmp_bufs(const images::Memory &memory, const Program &src, const Program &dst);

// The live buffers of one thread: entries[i] of the table goes on at sites[i].
struct ThreadJmpBufs {
  std::vector<size_t> entries;
  std::vector<ResumeSite> sites;
};

// Claims the buffers whose frames are on this thread's source stack (sp:
// the innermost frame's stack pointer) and reads their resume sites.
ThreadJmpBufs claim_jmp_bufs(JmpBufTable &table, const SourceStack &stack, uint64_t sp,
                             const images::Memory &memory, const Program &src);

// Writes the thread's buffers for dst; regs are rebuild()'s registers of
// their resume sites.
void place_jmp_bufs(JmpBufTable &table, const ThreadJmpBufs &bufs, std::span<const RegFile> regs,
                    images::Memory &memory, const Program &dst);

// Writes the table back, holding the live buffers only.
void write_jmp_bufs(const JmpBufTable &table, images::Memory &memory);

} // namespace xisa::transform
