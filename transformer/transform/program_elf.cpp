// load_program: the ELF facts of an executable, read with libelf, next to
// its migration metadata from xisa::meta::Untraced::read.
#include "support/error.h"
#include "transform/program.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string_view>
#include <vector>

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

// musl binds its vDSO entry points lazily: `static void *volatile
// vdso_func` (clock_gettime, sched_getcpu) starts as an init function and
// then holds the address of the kernel's vDSO function, which is another
// ISA's code, or nothing, after a move. Each such variable (one name, a
// static in several files) gets its initial value back, so that the first
// call after a restore binds it again to the destination's vDSO.
constexpr std::string_view kMuslVdsoCache = "vdso_func";

// The bytes of symbol `sym` as the file initializes them.
std::vector<uint8_t> initial_bytes(Elf *elf, const GElf_Sym &sym, const std::string &path) {
  GElf_Shdr sh;
  Elf_Scn *scn = elf_getscn(elf, sym.st_shndx);
  Elf_Data *data = scn && gelf_getshdr(scn, &sh) ? elf_getdata(scn, nullptr) : nullptr;
  if (!data || sh.sh_type == SHT_NOBITS || sym.st_value < sh.sh_addr ||
      sym.st_value - sh.sh_addr + sym.st_size > data->d_size)
    fail("{}: cannot read the initial value of {} at {:#x}: {}", path, kMuslVdsoCache,
         sym.st_value, elf_errmsg(-1));
  const auto *bytes = static_cast<const uint8_t *>(data->d_buf) + (sym.st_value - sh.sh_addr);
  return {bytes, bytes + sym.st_size};
}

uint32_t prot_of(const GElf_Phdr &ph) {
  return (ph.p_flags & PF_R ? PROT_READ : 0) | (ph.p_flags & PF_W ? PROT_WRITE : 0) |
         (ph.p_flags & PF_X ? PROT_EXEC : 0);
}

} // namespace

Program load_program(const std::string &path) {
  meta::Untraced untraced = meta::Untraced::read(path);
  const meta::Metadata &meta = untraced.meta;
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
  std::vector<GElf_Sym> vdso_caches;
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
      else if (n == kMuslVdsoCache && GELF_ST_TYPE(sym.st_info) == STT_OBJECT)
        vdso_caches.push_back(sym);
    }
  }
  for (const GElf_Sym &sym : vdso_caches)
    facts.constant_data.push_back({sym.st_value, initial_bytes(file.elf, sym, path)});
  // lld defines .TOC. as .got + 0x8000 but may leave the symbol out.
  if (meta.isa == Isa::PPC64LE && !facts.toc) {
    if (!got)
      fail("{}: a ppc64le executable without .TOC. or .got; cannot set the TOC register", path);
    facts.toc = got + 0x8000;
  }
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  facts.file_size = ec ? 0 : size;
  std::shared_ptr<const meta::Tracer> tracer = std::move(untraced.tracer);
  return Program(std::move(untraced.meta), std::move(facts),
                 [tracer](const meta::Function &function, std::span<meta::CallSite *const> sites) {
                   // Undescribed sites are `xisa meta check --strict`'s concern.
                   tracer->trace(function, sites);
                 });
}

} // namespace xisa::transform
