#include "link/call_site_table.h"

#include "link/output_sections.h"
#include "link/subprocess.h"
#include "meta/section_bytes.h"
#include "support/error.h"

#include <llvm/Object/ELFObjectFile.h>

#include <algorithm>
#include <cstring>

namespace xisa::link {

namespace {

constexpr uint64_t kCountSize = sizeof(uint64_t);

// The executable's stackmap records (none without the section).
std::vector<meta::StackMapRecord> records_of(const llvm::object::ObjectFile &object,
                                             const std::string &path) {
  std::optional<std::vector<uint8_t>> bytes = meta::section_bytes(object, ".llvm_stackmaps", path);
  if (!bytes)
    return {};
  try {
    return meta::parse_stackmaps(*bytes);
  } catch (const Error &e) {
    fail("{}: {}", path, e.what());
  }
}

llvm::object::OwningBinary<llvm::object::ObjectFile> open_executable(const std::string &path) {
  auto binary = llvm::object::ObjectFile::createObjectFile(path);
  if (!binary)
    fail("cannot open {}: {}", path, llvm::toString(binary.takeError()));
  if (!llvm::isa<llvm::object::ELFObjectFileBase>(binary->getBinary()))
    fail("{}: not an ELF file", path);
  return std::move(*binary);
}

uint64_t table_size(size_t ranges) {
  return ranges ? kCountSize + ranges * sizeof(xisa_code_range) : 0;
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

std::vector<xisa_code_range> call_site_ranges(const std::vector<meta::StackMapRecord> &records) {
  std::vector<xisa_code_range> ranges;
  for (const meta::StackMapRecord &record : records)
    ranges.push_back({record.function_address, record.record_address});
  std::sort(ranges.begin(), ranges.end(), [](const xisa_code_range &a, const xisa_code_range &b) {
    return a.start < b.start;
  });
  std::vector<xisa_code_range> merged;
  for (const xisa_code_range &range : ranges)
    if (!merged.empty() && range.start <= merged.back().last)
      merged.back().last = std::max(merged.back().last, range.last);
    else
      merged.push_back(range);
  return merged;
}

std::vector<uint8_t> encode_call_site_table(const std::vector<xisa_code_range> &ranges,
                                            uint64_t size) {
  if (table_size(ranges.size()) > size)
    fail("{}: {} ranges need {} bytes, the link left {}", XISA_CALL_SITES_SECTION, ranges.size(),
         table_size(ranges.size()), size);
  std::vector<uint8_t> bytes(size);
  if (ranges.empty())
    return bytes;
  uint64_t count = ranges.size();
  std::memcpy(bytes.data(), &count, kCountSize);
  std::memcpy(bytes.data() + kCountSize, ranges.data(), ranges.size() * sizeof(xisa_code_range));
  return bytes;
}

void reserve_call_site_table(std::map<Isa, LinkMap> &maps,
                             const std::map<Isa, std::string> &measured) {
  uint64_t size = 0;
  for (const auto &[isa, path] : measured) {
    auto object = open_executable(path);
    size = std::max(size, table_size(call_site_ranges(records_of(*object.getBinary(), path)).size()));
  }
  for (auto &[isa, map] : maps) {
    std::erase_if(map.sections, [](const MapOutputSection &section) {
      return section.name == XISA_CALL_SITES_SECTION;
    });
    if (size)
      map.sections.push_back({XISA_CALL_SITES_SECTION, 0, size, alignof(xisa_code_range), {}});
  }
}

void finish_metadata_sections(const Toolchain &tc, const std::map<Isa, std::string> &executables,
                              const TempDir &tmp, bool verbose) {
  for (const auto &[isa, path] : executables) {
    Command cmd = {tc.objcopy()};
    std::vector<xisa_code_range> ranges;
    uint64_t size = 0;
    {
      auto object = open_executable(path);
      ranges = call_site_ranges(records_of(*object.getBinary(), path));
      if (!ranges.empty())
        size = reserved_size(*object.getBinary(), path);
    }
    if (!ranges.empty()) {
      std::vector<uint8_t> table = encode_call_site_table(ranges, size);
      std::string file = tmp.write(std::string(name(isa)) + "/callsites.bin",
                                   std::string(table.begin(), table.end()));
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
