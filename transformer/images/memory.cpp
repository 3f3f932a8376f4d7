#include "images/memory.h"

#include "support/error.h"

#include <algorithm>
#include <cstring>

namespace xisa::images {

void Memory::append(uint64_t vaddr, std::span<const uint8_t> bytes) {
  if (vaddr % kPageSize || bytes.size() % kPageSize)
    fail("memory region at {:#x} ({} bytes) is not made of whole {}-byte pages", vaddr,
         bytes.size(), kPageSize);
  if (!runs.empty() && vaddr < runs.back().end())
    fail("memory region at {:#x} overlaps or precedes the region ending at {:#x}", vaddr,
         runs.back().end());
  if (bytes.empty())
    return;
  uint32_t nr_pages = bytes.size() / kPageSize;
  if (!runs.empty() && runs.back().present() && runs.back().end() == vaddr)
    runs.back().nr_pages += nr_pages;
  else
    runs.push_back({vaddr, nr_pages, kPePresent, pages.size()});
  pages.insert(pages.end(), bytes.begin(), bytes.end());
}

const PageRun *Memory::run_at(uint64_t addr) const {
  auto it = std::upper_bound(runs.begin(), runs.end(), addr,
                             [](uint64_t a, const PageRun &r) { return a < r.vaddr; });
  if (it == runs.begin())
    return nullptr;
  --it;
  if (addr >= it->end() || !it->present())
    return nullptr;
  return &*it;
}

bool Memory::contains(uint64_t addr, uint64_t size) const {
  while (size > 0) {
    const PageRun *run = run_at(addr);
    if (!run)
      return false;
    uint64_t chunk = std::min(size, run->end() - addr);
    addr += chunk;
    size -= chunk;
  }
  return true;
}

void Memory::ensure(uint64_t addr, uint64_t size) {
  uint64_t start = addr / kPageSize * kPageSize;
  uint64_t end = (addr + size + kPageSize - 1) / kPageSize * kPageSize;
  if (contains(start, end - start))
    return;
  Memory out;
  out.pages_id = pages_id;
  auto fill_zero = [&](uint64_t from, uint64_t to) {
    out.append(from, std::vector<uint8_t>(to - from));
  };
  uint64_t cursor = start; // first page of [start, end) not yet covered
  for (const PageRun &run : runs) {
    if (cursor < end && run.vaddr > cursor)
      fill_zero(cursor, std::min(run.vaddr, end));
    if (run.present()) {
      out.append(run.vaddr, {pages.data() + run.offset, run.end() - run.vaddr});
    } else {
      if (run.vaddr < end && run.end() > start)
        fail("pages at {:#x} are not in this dump (lazy or in a parent image); cannot write "
             "there",
             run.vaddr);
      out.runs.push_back(run);
    }
    cursor = std::max(cursor, run.end());
  }
  if (cursor < end)
    fill_zero(cursor, end);
  *this = std::move(out);
}

void Memory::discard(uint64_t start, uint64_t end) {
  bool overlaps = std::any_of(runs.begin(), runs.end(), [&](const PageRun &run) {
    return run.vaddr < end && run.end() > start;
  });
  if (!overlaps)
    return;
  Memory out;
  out.pages_id = pages_id;
  for (const PageRun &run : runs) {
    // The parts of the run below start and above end survive.
    for (auto [from, to] : {std::pair{run.vaddr, std::min(run.end(), start)},
                            std::pair{std::max(run.vaddr, end), run.end()}}) {
      if (from >= to)
        continue;
      if (run.present())
        out.append(from, {pages.data() + run.offset + (from - run.vaddr), to - from});
      else
        out.runs.push_back({from, uint32_t((to - from) / kPageSize), run.flags, 0});
    }
  }
  *this = std::move(out);
}

void Memory::read(uint64_t addr, std::span<uint8_t> out) const {
  uint64_t start = addr;
  while (!out.empty()) {
    const PageRun *run = run_at(addr);
    if (!run)
      fail("address {:#x} (reading {} bytes at {:#x}) is not in the dumped memory", addr,
           out.size() + (addr - start), start);
    uint64_t chunk = std::min<uint64_t>(out.size(), run->end() - addr);
    std::memcpy(out.data(), pages.data() + run->offset + (addr - run->vaddr), chunk);
    out = out.subspan(chunk);
    addr += chunk;
  }
}

void Memory::write(uint64_t addr, std::span<const uint8_t> in) {
  uint64_t start = addr;
  while (!in.empty()) {
    const PageRun *run = run_at(addr);
    if (!run)
      fail("address {:#x} (writing {} bytes at {:#x}) is not in the dumped memory", addr,
           in.size() + (addr - start), start);
    uint64_t chunk = std::min<uint64_t>(in.size(), run->end() - addr);
    std::memcpy(pages.data() + run->offset + (addr - run->vaddr), in.data(), chunk);
    in = in.subspan(chunk);
    addr += chunk;
  }
}

uint64_t Memory::load64(uint64_t addr) const {
  uint64_t value;
  read(addr, {reinterpret_cast<uint8_t *>(&value), sizeof value});
  return value;
}

void Memory::store64(uint64_t addr, uint64_t value) {
  write(addr, {reinterpret_cast<const uint8_t *>(&value), sizeof value});
}

} // namespace xisa::images
