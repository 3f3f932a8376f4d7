// One ISA's executable as the transformer sees it: its migration metadata,
// indexed for lookups, and the ELF facts a restored process depends on
// (loadable segments, base-frame return labels, the ppc64 TOC).
#pragma once
#include "meta/metadata.h"

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace xisa::transform {

struct LoadSegment {
  uint64_t vaddr = 0, memsz = 0, offset = 0, filesz = 0;
  uint32_t prot = 0; // PROT_*
};

// Bytes of a writable segment that the program never writes but that differ
// per ISA: constants (the layout puts .rodata in the data segment, and
// musl's jump tables and literal pools are per ISA) and the linker's tables
// (.got, ppc64's .toc and .branch_lt); also musl's lazily bound vDSO entry
// points, which the program does write but which must start over on
// another ISA. A restored process gets the destination executable's.
struct ConstantData {
  uint64_t vaddr = 0;
  std::vector<uint8_t> bytes;
};

// What the transformer reads from the ELF file besides the metadata.
struct ElfFacts {
  std::vector<LoadSegment> loads;
  std::map<std::string, uint64_t> base_returns; // base-return label -> address
  uint64_t toc = 0;                             // ppc64 TOC pointer, else 0
  uint64_t file_size = 0;
  std::vector<ConstantData> constant_data;
  uint64_t jmp_bufs = 0; // the runtime's jmp_buf table, 0 if none
};

// Return addresses in the runtime's base frames (where user code returns to
// when a thread's outermost function returns) are global labels whose names
// start with this; the same name marks the same point on every ISA.
inline constexpr const char *kBaseReturnPrefix = "__xisa_base_ret";
// The runtime's table of jmp_bufs (wire.h, struct xisa_jmp_bufs).
inline constexpr const char *kJmpBufsSymbol = "__xisa_jmp_bufs";

class Program {
public:
  // Follows one function's values through its code (meta::Tracer::trace).
  using Trace = std::function<void(const meta::Function &, std::span<meta::CallSite *const>)>;

  // Takes metadata and ELF facts as they are; call sites are indexed here.
  // With `trace`, the metadata is untraced (meta::Untraced) and a call
  // site's function is traced when a lookup first returns one of its sites.
  Program(meta::Metadata meta, ElfFacts elf, Trace trace = {});

  const meta::Metadata &meta() const { return meta_; }
  Isa isa() const { return meta_.isa; }
  const std::string &path() const { return meta_.path; }
  const std::vector<LoadSegment> &loads() const { return elf_.loads; }
  uint64_t toc() const { return elf_.toc; }
  uint64_t jmp_bufs() const { return elf_.jmp_bufs; }
  uint64_t file_size() const { return elf_.file_size; }
  const std::vector<ConstantData> &constant_data() const { return elf_.constant_data; }

  // The call site, its function traced.
  const meta::CallSite *at_return_address(uint64_t address) const;
  const meta::CallSite *with_id(uint64_t id) const;
  const meta::Function &function_of(const meta::CallSite &site) const;
  // The name of the base return label at address, or "" if there is none.
  std::string base_return_name(uint64_t address) const;
  // The address of the base return label `name`; throws if missing.
  uint64_t base_return(const std::string &name) const;
  // The .xisa.info fields; throws if the link step wrote none.
  const meta::Info &info() const;

private:
  const meta::CallSite *traced(uint32_t index) const;

  // Tracing a function fills in its call sites: a cache behind the lookups.
  mutable meta::Metadata meta_;
  ElfFacts elf_;
  Trace trace_;
  // Per function, with `trace_`: whether it is traced, and its call sites.
  mutable std::vector<bool> traced_;
  std::vector<std::vector<meta::CallSite *>> sites_of_;
  std::unordered_map<uint64_t, uint32_t> by_id_;
  std::vector<uint64_t> return_addresses_; // parallel to meta_.call_sites
};

// Reads an executable built by xisa-cc: metadata (untraced, see Program)
// and ELF facts.
Program load_program(const std::string &path);

} // namespace xisa::transform
