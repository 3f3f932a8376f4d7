#include "link/info_section.h"

#include "link/subprocess.h"
#include "meta/xisa_info.h"
#include "support/error.h"

#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Support/MD5.h>
#include <llvm/Support/MemoryBuffer.h>

namespace xisa::link {

namespace {

uint64_t align_up(uint64_t value, uint64_t align) {
  return align <= 1 ? value : (value + align - 1) / align * align;
}

// Where each ISA's ABI puts the thread pointer relative to the executable's
// TLS block (musl's static TLS layout).
void set_thread_pointer(meta::Info &info, Isa isa) {
  switch (isa) {
  case Isa::X86_64:
    info.tp_convention = meta::TpConvention::VariantII;
    info.tp_offset = -static_cast<int32_t>(align_up(info.tls_mem_size, info.tls_align));
    break;
  case Isa::AArch64:
    info.tp_convention = meta::TpConvention::VariantI;
    info.tp_offset = static_cast<int32_t>(align_up(16, info.tls_align));
    break;
  case Isa::PPC64LE:
    info.tp_convention = meta::TpConvention::PpcBias;
    info.tp_offset = -0x7000;
    break;
  }
}

meta::Info read_info(const llvm::object::ELF64LEObjectFile &elf, const std::string &path, Isa isa) {
  meta::Info info;
  info.version = meta::kInfoVersion;
  info.isa = static_cast<uint32_t>(isa);
  auto headers = elf.getELFFile().program_headers();
  if (!headers)
    fail("{}: bad program headers: {}", path, llvm::toString(headers.takeError()));
  for (const auto &phdr : *headers)
    if (phdr.p_type == llvm::ELF::PT_TLS) {
      info.tls_address = phdr.p_vaddr;
      info.tls_file_size = phdr.p_filesz;
      info.tls_mem_size = phdr.p_memsz;
      info.tls_align = phdr.p_align;
    }
  set_thread_pointer(info, isa);
  for (const llvm::object::SectionRef &section : elf.sections()) {
    auto section_name = section.getName();
    if (!section_name || *section_name != meta::kNonMigSection) {
      if (!section_name)
        llvm::consumeError(section_name.takeError());
      continue;
    }
    auto contents = section.getContents();
    if (!contents)
      fail("{}: unreadable {}: {}", path, meta::kNonMigSection,
           llvm::toString(contents.takeError()));
    info.nonmig = meta::decode_nonmig(reinterpret_cast<const uint8_t *>(contents->data()),
                                      contents->size());
  }
  return info;
}

} // namespace

void add_info_sections(const Toolchain &tc, const std::map<Isa, std::string> &executables,
                       const TempDir &tmp, bool verbose) {
  // The build id: a digest of the three executables as linked.
  llvm::MD5 digest;
  std::map<Isa, meta::Info> infos;
  for (const auto &[isa, path] : executables) {
    auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
    if (!buffer)
      fail("cannot read {}: {}", path, buffer.getError().message());
    digest.update((*buffer)->getBuffer());
    auto object = llvm::object::ELF64LEObjectFile::create((*buffer)->getMemBufferRef());
    if (!object)
      fail("{}: {}", path, llvm::toString(object.takeError()));
    infos[isa] = read_info(*object, path, isa);
  }
  llvm::MD5::MD5Result id = digest.final();
  for (auto &[isa, info] : infos) {
    std::copy(id.begin(), id.end(), info.build_id.begin());
    std::vector<uint8_t> bytes = meta::encode_info(info);
    std::string file =
        tmp.write(std::string(name(isa)) + "/xisa.info", std::string(bytes.begin(), bytes.end()));
    run_checked({tc.objcopy(), std::string("--add-section=") + meta::kInfoSection + "=" + file,
                 executables.at(isa)},
                verbose);
  }
}

} // namespace xisa::link
