#include "driver/unmerge.h"

#include "support/error.h"

#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Support/MemoryBuffer.h>
#include <set>

namespace xisa::driver {

std::vector<std::string> unmerge_args(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    fail("cannot read {}: {}", path, buffer.getError().message());
  auto object = llvm::object::ELF64LEObjectFile::create((*buffer)->getMemBufferRef());
  if (!object)
    fail("{}: {}", path, llvm::toString(object.takeError()));
  std::set<std::string> names;
  for (llvm::object::ELFSectionRef section : object->sections()) {
    uint64_t flags = section.getFlags();
    if (!(flags & llvm::ELF::SHF_MERGE) || !(flags & llvm::ELF::SHF_ALLOC))
      continue;
    auto section_name = section.getName();
    if (!section_name)
      fail("{}: unreadable section name: {}", path, llvm::toString(section_name.takeError()));
    names.insert(section_name->str());
  }
  std::vector<std::string> args;
  for (const std::string &name : names)
    args.push_back("--set-section-flags=" + name + "=alloc,readonly,contents");
  return args;
}

} // namespace xisa::driver
