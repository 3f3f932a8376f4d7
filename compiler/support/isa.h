// The three ISAs xisa moves between, and what each is called by the tools
// around it (triple, qemu-user binary, ELF machine, musl directory).
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace xisa {

enum class Isa { X86_64, AArch64, PPC64LE };

inline constexpr std::array<Isa, 3> kAllIsas = {Isa::X86_64, Isa::AArch64, Isa::PPC64LE};

struct IsaInfo {
  Isa isa;
  std::string_view name;        // x86_64, aarch64, ppc64le: file suffixes and CLI values
  std::string_view triple;      // clang --target
  std::string_view musl_dir;    // /usr/lib/<musl_dir>, /usr/include/<musl_dir>
  std::string_view gcc_cross;   // /usr/lib/gcc-cross/<gcc_cross>/12 (empty: host gcc)
  std::string_view qemu;        // qemu-user binary
  unsigned elf_machine;         // EM_*
};

const IsaInfo &info(Isa isa);
std::string_view name(Isa isa);
std::optional<Isa> parse_isa(std::string_view text);
Isa host_isa();
// "x86_64, aarch64, ppc64le" for error messages.
std::string isa_names();

} // namespace xisa
