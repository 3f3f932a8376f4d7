// Byte format of the `.xisa.info` section (written by the link step, read by
// xisa::meta::read) and of the `.xisa.nonmig` records (written by the pass
// plugin into every object, concatenated by the linker).
//
// `.xisa.info`, all fields little-endian, no padding between them:
//   InfoHeader, then `nonmig_count` NUL-terminated string pairs
//   "function\0reason\0" (the non-migratable functions of the whole link).
// `.xisa.nonmig`: the same string pairs, one pair per non-migratable
//   function of the object; the linker concatenates the sections.
// `.xisa.frames`: string pairs "function\0layout\0", one per function the
//   pass instrumented, with its shadow frame as text: "<size> <align>" then
//   " <offset>+<bytes>" per local (e.g. "112 16 0+24 32+72"). The
//   transformer keeps shadow frames' bytes in place, so the ISAs must agree.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xisa::meta {

inline constexpr char kInfoMagic[8] = {'X', 'I', 'S', 'A', 'I', 'N', 'F', '1'};
inline constexpr uint32_t kInfoVersion = 1;
inline constexpr const char *kInfoSection = ".xisa.info";
inline constexpr const char *kNonMigSection = ".xisa.nonmig";
inline constexpr const char *kFramesSection = ".xisa.frames";

// Where the thread pointer points relative to the TLS block of the
// executable: tls_block_start = thread_pointer + tp_offset.
enum class TpConvention : uint32_t {
  VariantII = 0, // x86-64: TP is the end of the (aligned) TLS block; tp_offset < 0
  VariantI = 1,  // aarch64: TLS block after a 16-byte TCB; tp_offset = 16 rounded to align
  PpcBias = 2,   // ppc64le: TP = TLS block start + 0x7000; tp_offset = -0x7000
};

struct InfoHeader {
  char magic[8];        // kInfoMagic
  uint32_t version;     // kInfoVersion
  uint32_t isa;         // static_cast<uint32_t>(xisa::Isa)
  uint8_t build_id[16]; // identical in the three executables of one link
  uint64_t tls_address; // PT_TLS p_vaddr (0 if there is no PT_TLS)
  uint64_t tls_file_size;
  uint64_t tls_mem_size;
  uint64_t tls_align;
  uint32_t tp_convention; // TpConvention
  int32_t tp_offset;      // tls_block_start - thread_pointer, in bytes
  uint32_t nonmig_count;  // string pairs following the header
  uint32_t reserved;      // 0
};
static_assert(sizeof(InfoHeader) == 80, "InfoHeader is a fixed on-disk layout");

struct NonMigratable {
  std::string function;
  std::string reason;
};

// One function's shadow frame, in the `.xisa.frames` text form.
struct FrameLayout {
  std::string function;
  std::string layout;
};

// Decoded `.xisa.info`.
struct Info {
  uint32_t version = 0;
  uint32_t isa = 0;
  std::array<uint8_t, 16> build_id{};
  uint64_t tls_address = 0;
  uint64_t tls_file_size = 0;
  uint64_t tls_mem_size = 0;
  uint64_t tls_align = 0;
  TpConvention tp_convention = TpConvention::VariantII;
  int32_t tp_offset = 0;
  std::vector<NonMigratable> nonmig;
};

// The section contents for `info` (what the link step writes).
std::vector<uint8_t> encode_info(const Info &info);
// Parses `.xisa.info`; throws xisa::Error naming the defect.
Info decode_info(const uint8_t *data, size_t size);
// Parses concatenated `.xisa.nonmig` string pairs.
std::vector<NonMigratable> decode_nonmig(const uint8_t *data, size_t size);
// Parses concatenated `.xisa.frames` string pairs.
std::vector<FrameLayout> decode_frames(const uint8_t *data, size_t size);

} // namespace xisa::meta
