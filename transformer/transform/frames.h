// Stack transformation of one parked thread: walk the source frames from the
// migration point out to the runtime's base frame, then rebuild the same
// chain of calls in the destination's frame layout, in place.
#pragma once
#include "images/memory.h"
#include "transform/program.h"
#include "transform/registers.h"

#include <cstdint>
#include <span>
#include <vector>

namespace xisa::transform {

// A source frame: the call it is parked at, its CFA, and the values of its
// live variables at that call.
struct SourceFrame {
  const meta::CallSite *site = nullptr;
  uint64_t cfa = 0;
  std::vector<RegValue> values; // parallel to site->live_values
};

struct SourceStack {
  Isa isa = Isa::X86_64;
  std::vector<SourceFrame> frames; // innermost first
  uint64_t base_return = 0;        // where the outermost frame returns to
  std::string base_label;          // the base-return label there, if any
  uint64_t base_fp = 0;            // the base frame as frame chains link to it
};

// The thread's TLS block moves to the destination's side of its descriptor;
// a live value that points into it (the address of a __thread variable kept
// across a call) moves with it.
struct BlockMove {
  uint64_t from = 0, to = 0, size = 0;

  uint64_t apply(uint64_t address) const {
    return address >= from && address < from + size ? address - from + to : address;
  }
};

SourceStack unwind(const RegFile &regs, const images::Memory &memory, const Program &program);

// A call site other than the one a frame of the stack is parked at, where
// that frame may yet go on: setjmp's, when a longjmp returns there. Its live
// values as the source holds them.
struct ResumeSite {
  size_t frame = 0;                     // index into SourceStack::frames
  const meta::CallSite *site = nullptr; // a call site of that frame's function
  std::vector<RegValue> values;         // parallel to site->live_values
};

// The live values of `site` in a frame whose registers at the site's return
// address are `regs` (the stack pointer and frame pointer included).
std::vector<RegValue> read_live_values(const meta::CallSite &site, const RegFile &regs,
                                       const images::Memory &memory, const Program &program);

struct RebuiltStack {
  RegFile regs; // the innermost frame's
  // Parallel to the resume sites: the registers with which each frame goes
  // on at its resume site on the destination (pc and sp included), holding
  // what that site and the frames outside it expect.
  std::vector<RegFile> resumes;
};

// Writes the destination frames over the source ones (the outermost frame
// keeps its CFA, so the base frame stays where it is) and returns the
// destination registers of the innermost frame and of each resume site.
// tp is the destination thread pointer. Where a resume site and the site a
// frame is parked at keep values in one stack slot, the parked site's win.
RebuiltStack rebuild(const SourceStack &stack, images::Memory &memory, const Program &dst,
                     uint64_t tp, const BlockMove &tls, std::span<const ResumeSite> resumes = {});

} // namespace xisa::transform
