// load_program: the ELF facts of an executable, read with libelf, next to
// its migration metadata from xisa::meta::read.
#include "support/error.h"
#include "transform/program.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace xisa::transform {

namespace {

struct ElfFile {
  int fd = -1;
  Elf *elf = nullptr;
  ~ElfFile() {
    if (elf)
      elf_end(elf);
    if (fd >= 0)
      close(fd);
  }
};

// See ConstantData.
constexpr std::string_view kConstantSections[] = {".rodata",     ".data.rel.ro", ".got",
                                                  ".got.plt",    ".toc",         ".branch_lt",
                                                  ".init_array", ".fini_array"};

bool is_constant_section(std::string_view section) {
  for (std::string_view name : kConstantSections)
    if (section == name)
      return true;
  return false;
}

uint32_t prot_of(const GElf_Phdr &ph) {
  return (ph.p_flags & PF_R ? PROT_READ : 0) | (ph.p_flags & PF_W ? PROT_WRITE : 0) |
         (ph.p_flags & PF_X ? PROT_EXEC : 0);
}

} // namespace

Program load_program(const std::string &path) {
  meta::Metadata meta = meta::read(path);
  if (elf_version(EV_CURRENT) == EV_NONE)
    fail("libelf is unusable: {}", elf_errmsg(-1));
  ElfFile file;
  file.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file.fd < 0)
    fail("cannot open executable {}: {}", path, errno_text(errno));
  file.elf = elf_begin(file.fd, ELF_C_READ, nullptr);
  if (!file.elf || elf_kind(file.elf) != ELF_K_ELF)
    fail("{} is not an ELF file", path);

  ElfFacts facts;
  size_t count = 0;
  if (elf_getphdrnum(file.elf, &count) != 0)
    fail("{}: cannot read program headers: {}", path, elf_errmsg(-1));
  for (size_t i = 0; i < count; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(file.elf, int(i), &ph) && ph.p_type == PT_LOAD)
      facts.loads.push_back({ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz, prot_of(ph)});
  }

  uint64_t got = 0;
  size_t shstrndx = 0;
  elf_getshdrstrndx(file.elf, &shstrndx);
  for (Elf_Scn *scn = nullptr; (scn = elf_nextscn(file.elf, scn));) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh))
      continue;
    const char *section = elf_strptr(file.elf, shstrndx, sh.sh_name);
    if (section && std::string_view(section) == ".got")
      got = sh.sh_addr;
    if (section && is_constant_section(section) && sh.sh_type != SHT_NOBITS &&
        (sh.sh_flags & SHF_WRITE) && sh.sh_size) {
      Elf_Data *data = elf_getdata(scn, nullptr);
      if (!data || data->d_size != sh.sh_size)
        fail("{}: cannot read section {}: {}", path, section, elf_errmsg(-1));
      const auto *bytes = static_cast<const uint8_t *>(data->d_buf);
      facts.constant_data.push_back({sh.sh_addr, {bytes, bytes + data->d_size}});
    }
    if (sh.sh_type != SHT_SYMTAB)
      continue;
    Elf_Data *data = elf_getdata(scn, nullptr);
    for (size_t i = 0; data && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; ++i) {
      GElf_Sym sym;
      if (!gelf_getsym(data, int(i), &sym))
        continue;
      const char *name = elf_strptr(file.elf, sh.sh_link, sym.st_name);
      if (!name)
        continue;
      std::string_view n(name);
      if (n.starts_with(kBaseReturnPrefix))
        facts.base_returns[std::string(n)] = sym.st_value;
      else if (n == ".TOC.")
        facts.toc = sym.st_value;
      else if (n == kJmpBufsSymbol)
        facts.jmp_bufs = sym.st_value;
    }
  }
  // lld defines .TOC. as .got + 0x8000 but may leave the symbol out.
  if (meta.isa == Isa::PPC64LE && !facts.toc) {
    if (!got)
      fail("{}: a ppc64le executable without .TOC. or .got; cannot set the TOC register", path);
    facts.toc = got + 0x8000;
  }
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  facts.file_size = ec ? 0 : size;
  return Program(std::move(meta), std::move(facts));
}

} // namespace xisa::transform
