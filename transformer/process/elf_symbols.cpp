#include "process/elf_symbols.h"

#include "process/fd_io.h"
#include "support/error.h"

#include <cerrno>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <memory>

namespace xisa::process {

uint64_t symbol_address(const std::filesystem::path &exe, std::string_view symbol) {
  if (elf_version(EV_CURRENT) == EV_NONE)
    fail("libelf: {}", elf_errmsg(-1));
  UniqueFd fd(::open(exe.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    fail("cannot open {}: {}", exe.string(), errno_text(errno));
  std::unique_ptr<Elf, decltype(&elf_end)> elf(elf_begin(fd.get(), ELF_C_READ, nullptr), elf_end);
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF)
    fail("{} is not an ELF file", exe.string());
  for (Elf_Scn *scn = nullptr; (scn = elf_nextscn(elf.get(), scn));) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB)
      continue;
    Elf_Data *data = elf_getdata(scn, nullptr);
    for (size_t i = 0; data && i < shdr.sh_size / shdr.sh_entsize; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(i), &sym))
        continue;
      const char *sym_name = elf_strptr(elf.get(), shdr.sh_link, sym.st_name);
      if (sym_name && symbol == sym_name)
        return sym.st_value;
    }
  }
  fail("{} has no symbol {}: was it linked with the xisa runtime (xisa-cc), and not stripped?",
       exe.string(), symbol);
}

} // namespace xisa::process
