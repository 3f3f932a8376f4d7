#include "link/call_site_table.h"

#include "link/output_sections.h"
#include "link/subprocess.h"
#include "support/error.h"

#include <llvm/Object/ELFObjectFile.h>

#include <algorithm>
#include <cstring>

namespace xisa::link {

namespace {

llvm::object::OwningBinary<llvm::object::ObjectFile> open_executable(const std::string &path) {
  auto binary = llvm::object::ObjectFile::createObjectFile(path);
  if (!binary)
    fail("cannot open {}: {}", path, llvm::toString(binary.takeError()));
  if (!llvm::isa<llvm::object::ELFObjectFileBase>(binary->getBinary()))
    fail("{}: not an ELF file", path);
  return std::move(*binary);
}

// The size the link gave the table.
uint64_t reserved_size(const llvm::object::ObjectFile &object, const std::string &path) {
  for (const llvm::object::SectionRef &section : object.sections())
    if (auto name = section.getName(); name && *name == XISA_CALL_SITES_SECTION)
      return section.getSize();
    else if (!name)
      llvm::consumeError(name.takeError());
  fail("{}: has stackmap records but no {} section", path, XISA_CALL_SITES_SECTION);
}

} // namespace

uint64_t CallSiteTable::bytes() const {
  if (points.empty())
    return 0;
  return sizeof(xisa_call_sites_header) + ranges.size() * sizeof(xisa_code_range) +
         points.size() * sizeof(uint32_t);
}

CallSiteTable call_site_table(const std::vector<meta::StackMapRecord> &records) {
  CallSiteTable table;
  if (records.empty())
    return table;
  struct Range {
    uint64_t start, last;
  };
  std::vector<Range> ranges;
  std::vector<uint64_t> points;
  for (const meta::StackMapRecord &record : records) {
    ranges.push_back({record.function_address, record.record_address});
    points.push_back(record.record_address);
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range &a, const Range &b) { return a.start < b.start; });
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  table.base = ranges.front().start;
  auto offset = [&](uint64_t address) {
    if (address < table.base || address - table.base > UINT32_MAX)
      fail("{}: stackmap records from {:#x} to {:#x} span more than 4 GiB", XISA_CALL_SITES_SECTION,
           table.base, address);
    return uint32_t(address - table.base);
  };
  for (const Range &range : ranges)
    if (!table.ranges.empty() && offset(range.start) <= table.ranges.back().last)
      table.ranges.back().last = std::max(table.ranges.back().last, offset(range.last));
    else
      table.ranges.push_back({offset(range.start), offset(range.last)});
  for (uint64_t point : points)
    table.points.push_back(offset(point));
  return table;
}

std::vector<uint8_t> encode_call_site_table(const CallSiteTable &table, uint64_t size) {
  if (table.bytes() > size)
    fail("{}: {} ranges and {} points need {} bytes, the link left {}", XISA_CALL_SITES_SECTION,
         table.ranges.size(), table.points.size(), table.bytes(), size);
  std::vector<uint8_t> bytes(size);
  if (table.points.empty())
    return bytes;
  xisa_call_sites_header header = {table.base, uint32_t(table.ranges.size()), uint32_t(table.points.size())};
  uint8_t *at = bytes.data();
  auto put = [&](const void *data, size_t n) {
    std::memcpy(at, data, n);
    at += n;
  };
  put(&header, sizeof header);
  put(table.ranges.data(), table.ranges.size() * sizeof(xisa_code_range));
  put(table.points.data(), table.points.size() * sizeof(uint32_t));
  return bytes;
}

void reserve_call_site_table(std::map<Isa, LinkMap> &maps,
                             const std::map<Isa, std::string> &measured) {
  uint64_t size = 0;
  for (const auto &[isa, path] : measured) {
    auto object = open_executable(path);
    size = std::max(size, call_site_table(meta::stackmap_records(*object.getBinary(), path)).bytes());
  }
  for (auto &[isa, map] : maps) {
    std::erase_if(map.sections, [](const MapOutputSection &section) {
      return section.name == XISA_CALL_SITES_SECTION;
    });
    if (size)
      map.sections.push_back({XISA_CALL_SITES_SECTION, 0, size, alignof(xisa_call_sites_header), {}});
  }
}

void finish_metadata_sections(const Toolchain &tc, const std::map<Isa, std::string> &executables,
                              const TempDir &tmp, bool verbose) {
  for (const auto &[isa, path] : executables) {
    Command cmd = {tc.objcopy()};
    CallSiteTable table;
    uint64_t size = 0;
    {
      auto object = open_executable(path);
      table = call_site_table(meta::stackmap_records(*object.getBinary(), path));
      if (table.bytes())
        size = reserved_size(*object.getBinary(), path);
    }
    if (table.bytes()) {
      std::vector<uint8_t> bytes = encode_call_site_table(table, size);
      std::string file = tmp.write(std::string(name(isa)) + "/callsites.bin",
                                   std::string(bytes.begin(), bytes.end()));
      cmd.push_back(std::string("--update-section=") + XISA_CALL_SITES_SECTION + "=" + file);
    }
    for (const OutputSpec &spec : output_specs())
      if (spec.segment == Segment::Unloaded)
        cmd.push_back(std::string("--compress-sections=") + spec.name + "=zstd");
    cmd.push_back(path);
    run_checked(cmd, verbose);
  }
}

} // namespace xisa::link
