// The link's check that the ELF and program headers fit in front of the
// first section, on synthetic executables' headers.
#include "link/header_room.h"
#include "link/output_sections.h"
#include "support/error.h"

#include <llvm/BinaryFormat/ELF.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

using namespace xisa;
using namespace xisa::link;

namespace {

// An x86-64 executable's ELF header followed by `phnum` zeroed program headers.
std::string write_executable(const std::string &name, uint16_t phnum) {
  llvm::ELF::Elf64_Ehdr header{};
  std::memcpy(header.e_ident, llvm::ELF::ElfMagic, 4);
  header.e_ident[llvm::ELF::EI_CLASS] = llvm::ELF::ELFCLASS64;
  header.e_ident[llvm::ELF::EI_DATA] = llvm::ELF::ELFDATA2LSB;
  header.e_ident[llvm::ELF::EI_VERSION] = llvm::ELF::EV_CURRENT;
  header.e_type = llvm::ELF::ET_EXEC;
  header.e_machine = llvm::ELF::EM_X86_64;
  header.e_version = llvm::ELF::EV_CURRENT;
  header.e_phoff = sizeof header;
  header.e_ehsize = sizeof header;
  header.e_phentsize = sizeof(llvm::ELF::Elf64_Phdr);
  header.e_phnum = phnum;
  std::vector<char> bytes(sizeof header + phnum * sizeof(llvm::ELF::Elf64_Phdr));
  std::memcpy(bytes.data(), &header, sizeof header);
  std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path, std::ios::binary).write(bytes.data(), bytes.size());
  return path;
}

} // namespace

TEST(HeaderRoom, CountsTheElfHeaderAndEveryProgramHeader) {
  EXPECT_EQ(header_bytes(write_executable("xisa-header-room-7", 7)), 64u + 7 * 56);
}

TEST(HeaderRoom, SeventeenProgramHeadersFitEighteenFailTheLink) {
  EXPECT_NO_THROW(check_header_room(write_executable("xisa-header-room-17", 17)));
  try {
    check_header_room(write_executable("xisa-header-room-18", 18));
    FAIL() << "18 program headers (1,072 bytes) fit in kHeaderRoom";
  } catch (const Error &err) {
    EXPECT_NE(std::string(err.what()).find("1072 bytes"), std::string::npos) << err.what();
    EXPECT_NE(std::string(err.what()).find("kHeaderRoom"), std::string::npos) << err.what();
  }
}

TEST(HeaderRoom, RefusesAFileThatIsNotElf) {
  std::string path = (std::filesystem::temp_directory_path() / "xisa-header-room-text").string();
  std::ofstream(path) << "not an executable\n";
  EXPECT_THROW(header_bytes(path), Error);
}
