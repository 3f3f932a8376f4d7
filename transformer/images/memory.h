// A process's dumped memory: the runs of pagemap-<pid>.img and the bytes of
// pages-<id>.img, addressable by virtual address.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace xisa::images {

inline constexpr uint64_t kPageSize = 4096;

// pagemap_entry.flags (CRIU's PE_* bits).
inline constexpr uint32_t kPeParent = 1u << 0;
inline constexpr uint32_t kPeLazy = 1u << 1;
inline constexpr uint32_t kPePresent = 1u << 2;

struct PageRun {
  uint64_t vaddr = 0;
  uint32_t nr_pages = 0;
  uint32_t flags = kPePresent;
  uint64_t offset = 0; // where this run's bytes start in Memory::pages (present runs only)

  bool present() const { return flags & kPePresent; }
  uint64_t end() const { return vaddr + uint64_t(nr_pages) * kPageSize; }

  bool operator==(const PageRun &) const = default;
};

struct Memory {
  uint32_t pages_id = 1;
  std::vector<PageRun> runs; // ascending vaddr, not overlapping
  std::vector<uint8_t> pages;

  // Appends present pages at vaddr (page aligned, whole pages, above every
  // existing run); merges with the last run when adjacent.
  void append(uint64_t vaddr, std::span<const uint8_t> bytes);
  // Copy between the dumped pages and a buffer; throw xisa::Error when any
  // byte of [addr, addr + size) was not dumped.
  void read(uint64_t addr, std::span<uint8_t> out) const;
  void write(uint64_t addr, std::span<const uint8_t> in);
  uint64_t load64(uint64_t addr) const;
  void store64(uint64_t addr, uint64_t value);
  bool contains(uint64_t addr, uint64_t size) const;
  // Makes every page of [addr, addr + size) present, adding zero pages where
  // none were dumped (a deeper destination stack touches fresh pages).
  void ensure(uint64_t addr, uint64_t size);
  // Forgets the pages of [start, end) (page aligned).
  void discard(uint64_t start, uint64_t end);

  bool operator==(const Memory &) const = default;

private:
  // The present run holding addr, or nullptr.
  const PageRun *run_at(uint64_t addr) const;
};

} // namespace xisa::images
