#include "meta/section_bytes.h"

#include "support/error.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/Decompressor.h"
#include "llvm/Object/ELFObjectFile.h"

using namespace llvm;

namespace xisa::meta {

std::optional<std::vector<uint8_t>> section_bytes(const object::ObjectFile &object, StringRef name,
                                                  const std::string &path) {
  for (const object::SectionRef &section : object.sections()) {
    Expected<StringRef> sectionName = section.getName();
    if (!sectionName) {
      consumeError(sectionName.takeError());
      continue;
    }
    if (*sectionName != name)
      continue;
    Expected<StringRef> contents = section.getContents();
    if (!contents)
      fail("{}: cannot read {}: {}", path, name.str(), toString(contents.takeError()));
    if (!(object::ELFSectionRef(section).getFlags() & ELF::SHF_COMPRESSED))
      return std::vector<uint8_t>(contents->bytes_begin(), contents->bytes_end());
    Expected<object::Decompressor> decompressor =
        object::Decompressor::create(name, *contents, object.isLittleEndian(), object.is64Bit());
    if (!decompressor)
      fail("{}: cannot decompress {}: {}", path, name.str(), toString(decompressor.takeError()));
    std::vector<uint8_t> bytes;
    if (llvm::Error error = decompressor->resizeAndDecompress(bytes))
      fail("{}: cannot decompress {}: {}", path, name.str(), toString(std::move(error)));
    return bytes;
  }
  return std::nullopt;
}

} // namespace xisa::meta
