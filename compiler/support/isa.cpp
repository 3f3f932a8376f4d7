#include "support/isa.h"

#include <elf.h>

namespace xisa {

static const IsaInfo kInfos[] = {
    {Isa::X86_64, "x86_64", "x86_64-linux-musl", "x86_64-linux-musl", "", "qemu-x86_64", EM_X86_64},
    {Isa::AArch64, "aarch64", "aarch64-linux-musl", "aarch64-linux-musl", "aarch64-linux-gnu",
     "qemu-aarch64", EM_AARCH64},
    {Isa::PPC64LE, "ppc64le", "powerpc64le-linux-musl", "powerpc64le-linux-musl",
     "powerpc64le-linux-gnu", "qemu-ppc64le", EM_PPC64},
};

const IsaInfo &info(Isa isa) { return kInfos[static_cast<int>(isa)]; }
std::string_view name(Isa isa) { return info(isa).name; }

std::optional<Isa> parse_isa(std::string_view text) {
  for (const IsaInfo &i : kInfos)
    if (text == i.name)
      return i.isa;
  if (text == "amd64" || text == "x86-64")
    return Isa::X86_64;
  if (text == "arm64")
    return Isa::AArch64;
  if (text == "ppc64el" || text == "powerpc64le")
    return Isa::PPC64LE;
  return std::nullopt;
}

Isa host_isa() {
#if defined(__x86_64__)
  return Isa::X86_64;
#elif defined(__aarch64__)
  return Isa::AArch64;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return Isa::PPC64LE;
#else
#error "xisa host tools run on x86_64, aarch64 or ppc64le"
#endif
}

std::string isa_names() {
  std::string out;
  for (const IsaInfo &i : kInfos) {
    if (!out.empty())
      out += ", ";
    out += i.name;
  }
  return out;
}

} // namespace xisa
