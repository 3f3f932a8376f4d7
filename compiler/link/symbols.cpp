#include "link/symbols.h"

#include "support/error.h"

#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Support/MemoryBuffer.h>
#include <map>

namespace xisa::link {

static Isa isa_of_machine(unsigned machine, const std::string &path) {
  for (Isa isa : kAllIsas)
    if (info(isa).elf_machine == machine)
      return isa;
  fail("{}: ELF machine {} is none of {}", path, machine, isa_names());
}

// Linker- and assembler-made names that are not program symbols: mapping
// symbols ($x, $d on aarch64) and local labels.
static bool is_label(llvm::StringRef name) {
  return name.empty() || name.starts_with("$") || name.starts_with(".L");
}

ExecutableSymbols read_executable_symbols(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    fail("cannot read {}: {}", path, buffer.getError().message());
  auto object = llvm::object::ObjectFile::createObjectFile((*buffer)->getMemBufferRef());
  if (!object)
    fail("{} is not an ELF executable: {}", path, llvm::toString(object.takeError()));
  auto *elf = llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(object->get());
  if (!elf)
    fail("{} is not a 64-bit little-endian ELF file", path);
  if (elf->getELFFile().getHeader().e_type != llvm::ELF::ET_EXEC)
    fail("{} is not a static executable (ELF type {})", path,
         elf->getELFFile().getHeader().e_type);

  ExecutableSymbols out{isa_of_machine(elf->getELFFile().getHeader().e_machine, path), {}};
  std::string file;
  std::map<std::string, int> seen;
  for (const llvm::object::ELFSymbolRef &sym : elf->symbols()) {
    uint8_t type = sym.getELFType();
    llvm::Expected<llvm::StringRef> sym_name = sym.getName();
    if (!sym_name) {
      llvm::consumeError(sym_name.takeError());
      continue;
    }
    if (type == llvm::ELF::STT_FILE) {
      file = sym_name->str();
      continue;
    }
    bool local = sym.getBinding() == llvm::ELF::STB_LOCAL;
    bool wanted = type == llvm::ELF::STT_FUNC || type == llvm::ELF::STT_OBJECT ||
                  type == llvm::ELF::STT_TLS || (type == llvm::ELF::STT_NOTYPE && !local);
    auto section = sym.getSection();
    if (!section) {
      llvm::consumeError(section.takeError());
      continue;
    }
    // Undefined and absolute symbols have no place in the layout.
    if (!wanted || is_label(*sym_name) || *section == elf->section_end())
      continue;
    std::string key = local ? file + "::" + sym_name->str() : sym_name->str();
    int repeat = seen[key]++;
    if (repeat > 0)
      key += "#" + std::to_string(repeat);
    llvm::Expected<uint64_t> value = sym.getValue();
    if (!value) {
      llvm::consumeError(value.takeError());
      continue;
    }
    out.symbols.push_back({key, *value, sym.getSize(), type == llvm::ELF::STT_TLS});
  }
  return out;
}

} // namespace xisa::link
