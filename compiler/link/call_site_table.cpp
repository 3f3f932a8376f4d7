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
  if (sites.empty())
    return 0;
  return sizeof(xisa_call_sites_header) + ranges.size() * sizeof(xisa_code_range) +
         sites.size() * sizeof(xisa_call_site);
}

CallSiteTable call_site_table(const std::vector<meta::StackMapRecord> &records) {
  CallSiteTable table;
  std::vector<xisa_code_range> ranges;
  for (const meta::StackMapRecord &record : records) {
    ranges.push_back({record.function_address, record.record_address});
    table.sites.push_back({record.record_address, record.id});
  }
  std::sort(ranges.begin(), ranges.end(), [](const xisa_code_range &a, const xisa_code_range &b) {
    return a.start < b.start;
  });
  for (const xisa_code_range &range : ranges)
    if (!table.ranges.empty() && range.start <= table.ranges.back().last)
      table.ranges.back().last = std::max(table.ranges.back().last, range.last);
    else
      table.ranges.push_back(range);
  std::sort(table.sites.begin(), table.sites.end(),
            [](const xisa_call_site &a, const xisa_call_site &b) { return a.point < b.point; });
  return table;
}

std::vector<uint8_t> encode_call_site_table(const CallSiteTable &table, uint64_t size) {
  if (table.bytes() > size)
    fail("{}: {} ranges and {} sites need {} bytes, the link left {}", XISA_CALL_SITES_SECTION,
         table.ranges.size(), table.sites.size(), table.bytes(), size);
  std::vector<uint8_t> bytes(size);
  if (table.sites.empty())
    return bytes;
  xisa_call_sites_header header = {table.ranges.size(), table.sites.size()};
  uint8_t *at = bytes.data();
  auto put = [&](const void *data, size_t n) {
    std::memcpy(at, data, n);
    at += n;
  };
  put(&header, sizeof header);
  put(table.ranges.data(), table.ranges.size() * sizeof(xisa_code_range));
  put(table.sites.data(), table.sites.size() * sizeof(xisa_call_site));
  return bytes;
}

void reserve_call_site_table(std::map<Isa, LinkMap> &maps,
                             const std::map<Isa, std::string> &measured) {
  uint64_t size = 0;
  for (const auto &[isa, path] : measured) {
    auto object = open_executable(path);
    size = std::max(size, call_site_table(records_of(*object.getBinary(), path)).bytes());
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
      table = call_site_table(records_of(*object.getBinary(), path));
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
