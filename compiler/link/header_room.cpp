#include "link/header_room.h"

#include "link/output_sections.h"
#include "support/error.h"

#include <llvm/Object/ELF.h>
#include <llvm/Support/MemoryBuffer.h>

namespace xisa::link {

uint64_t header_bytes(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    fail("cannot read {}: {}", path, buffer.getError().message());
  auto elf = llvm::object::ELF64LEFile::create((*buffer)->getBuffer());
  if (!elf)
    fail("{} is not a 64-bit little-endian ELF file: {}", path, llvm::toString(elf.takeError()));
  const auto &header = elf->getHeader();
  return std::max<uint64_t>(header.e_ehsize,
                            header.e_phoff + uint64_t(header.e_phnum) * header.e_phentsize);
}

void check_header_room(const std::string &path) {
  uint64_t bytes = header_bytes(path);
  if (bytes > kHeaderRoom)
    fail("{}: the ELF and program headers take {} bytes, more than the {} the layout leaves in "
         "front of the first section (kHeaderRoom, compiler/link/output_sections.h): raise it",
         path, bytes, kHeaderRoom);
}

} // namespace xisa::link
