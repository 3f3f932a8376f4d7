#include "meta/stackmaps.h"

#include "meta/section_bytes.h"
#include "support/error.h"

#include "llvm/Object/StackMapParser.h"
#include "llvm/Support/Endian.h"

namespace xisa::meta {

using Parser = llvm::StackMapParser<llvm::endianness::little>;

namespace {

constexpr size_t kHeaderSize = 16, kFunctionSize = 24, kConstantSize = 8;
constexpr size_t kRecordHeaderSize = 16, kLocationSize = 12, kLiveOutSize = 4;

uint64_t align8(uint64_t n) { return (n + 7) & ~uint64_t(7); }

template <typename T> T readAt(llvm::ArrayRef<uint8_t> bytes, uint64_t offset) {
  return llvm::support::endian::read<T, llvm::endianness::little>(bytes.data() + offset);
}

// Size of the blob starting at `blob`, checking every length against the
// bytes present, so the parser below never reads past the section.
uint64_t blobSize(llvm::ArrayRef<uint8_t> blob, uint64_t sectionOffset) {
  auto need = [&](uint64_t end, const char *what) {
    if (end > blob.size())
      fail(".llvm_stackmaps: blob at offset {} is truncated in its {} ({} bytes needed, {} left)",
           sectionOffset, what, end, blob.size());
  };
  need(kHeaderSize, "header");
  if (blob[0] != 3)
    fail(".llvm_stackmaps: blob at offset {} has version {}, expected 3 (LLVM 19)", sectionOffset,
         blob[0]);
  uint64_t functions = readAt<uint32_t>(blob, 4), constants = readAt<uint32_t>(blob, 8),
           records = readAt<uint32_t>(blob, 12);
  uint64_t offset = kHeaderSize + functions * kFunctionSize + constants * kConstantSize;
  need(offset, "function and constant tables");
  for (uint64_t i = 0; i < records; ++i) {
    need(offset + kRecordHeaderSize, "record header");
    uint64_t locations = readAt<uint16_t>(blob, offset + 14);
    uint64_t liveOutsAt = align8(offset + kRecordHeaderSize + locations * kLocationSize) + 2;
    need(liveOutsAt + 2, "record locations");
    uint64_t liveOuts = readAt<uint16_t>(blob, liveOutsAt);
    offset = align8(liveOutsAt + 2 + liveOuts * kLiveOutSize);
    need(offset, "record live-outs");
  }
  return offset;
}

LiveValue convert(const Parser &parser, const Parser::LocationAccessor &location) {
  LiveValue value;
  value.size = static_cast<uint16_t>(location.getSizeInBytes());
  switch (location.getKind()) {
  case Parser::LocationKind::Register:
    value.kind = LocationKind::Register;
    value.dwarf_reg = location.getDwarfRegNum();
    break;
  case Parser::LocationKind::Direct:
  case Parser::LocationKind::Indirect:
    value.kind = location.getKind() == Parser::LocationKind::Direct ? LocationKind::Direct
                                                                     : LocationKind::Indirect;
    value.dwarf_reg = location.getDwarfRegNum();
    value.offset = location.getOffset();
    break;
  case Parser::LocationKind::Constant:
    value.kind = LocationKind::Constant;
    value.constant = location.getSmallConstant();
    break;
  case Parser::LocationKind::ConstantIndex:
    if (location.getConstantIndex() >= parser.getNumConstants())
      fail(".llvm_stackmaps: constant index {} out of range ({} constants)",
           location.getConstantIndex(), parser.getNumConstants());
    value.kind = LocationKind::Constant;
    value.constant = parser.getConstant(location.getConstantIndex()).getValue();
    break;
  default:
    fail(".llvm_stackmaps: unknown location kind {}", static_cast<int>(location.getKind()));
  }
  return value;
}

void parseBlob(llvm::ArrayRef<uint8_t> blob, std::vector<StackMapRecord> &out) {
  Parser parser(blob);
  auto record = parser.records_begin();
  for (const auto &function : parser.functions()) {
    for (uint64_t i = 0; i < function.getRecordCount(); ++i, ++record) {
      if (record == parser.records_end())
        fail(".llvm_stackmaps: function records announce more call sites than the blob has");
      StackMapRecord converted;
      converted.id = record->getID();
      converted.function_address = function.getFunctionAddress();
      converted.function_stack_size = function.getStackSize();
      converted.record_address = function.getFunctionAddress() + record->getInstructionOffset();
      // XisaPass writes each live value's location, then its type.
      std::vector<LiveValue> locations;
      for (const auto &location : record->locations())
        locations.push_back(convert(parser, location));
      for (size_t k = 0; k < locations.size(); k += 2) {
        if (k + 1 == locations.size() || locations[k + 1].kind != LocationKind::Constant ||
            !decode_value_type(locations[k + 1].constant, locations[k].type))
          fail(".llvm_stackmaps: call site {:#x} gives no type for live value {}; it was not "
               "written by this version of XisaPass: rebuild with xisa-cc",
               converted.id, k / 2);
        converted.live_values.push_back(locations[k]);
      }
      out.push_back(std::move(converted));
    }
  }
}

} // namespace

std::vector<StackMapRecord> parse_stackmaps(llvm::ArrayRef<uint8_t> section) {
  std::vector<StackMapRecord> out;
  uint64_t offset = 0;
  while (offset < section.size()) {
    if (section[offset] == 0) { // alignment padding between blobs
      ++offset;
      continue;
    }
    llvm::ArrayRef<uint8_t> rest = section.drop_front(offset);
    uint64_t size = blobSize(rest, offset);
    parseBlob(rest.take_front(size), out);
    offset += size;
  }
  return out;
}

std::vector<StackMapRecord> stackmap_records(const llvm::object::ObjectFile &object,
                                             const std::string &path) {
  std::optional<std::vector<uint8_t>> bytes = section_bytes(object, ".llvm_stackmaps", path);
  if (!bytes)
    return {};
  try {
    return parse_stackmaps(*bytes);
  } catch (const Error &e) {
    fail("{}: {}", path, e.what());
  }
}

} // namespace xisa::meta
