#include "meta/xisa_info.h"

#include "support/error.h"

#include <cstring>

namespace xisa::meta {

static void appendPair(std::vector<uint8_t> &out, const NonMigratable &entry) {
  out.insert(out.end(), entry.function.begin(), entry.function.end());
  out.push_back(0);
  out.insert(out.end(), entry.reason.begin(), entry.reason.end());
  out.push_back(0);
}

std::vector<uint8_t> encode_info(const Info &info) {
  InfoHeader header{};
  std::memcpy(header.magic, kInfoMagic, sizeof header.magic);
  header.version = kInfoVersion;
  header.isa = info.isa;
  std::memcpy(header.build_id, info.build_id.data(), sizeof header.build_id);
  header.tls_address = info.tls_address;
  header.tls_file_size = info.tls_file_size;
  header.tls_mem_size = info.tls_mem_size;
  header.tls_align = info.tls_align;
  header.tp_convention = static_cast<uint32_t>(info.tp_convention);
  header.tp_offset = info.tp_offset;
  header.nonmig_count = static_cast<uint32_t>(info.nonmig.size());
  std::vector<uint8_t> out(sizeof header);
  std::memcpy(out.data(), &header, sizeof header);
  for (const NonMigratable &entry : info.nonmig)
    appendPair(out, entry);
  return out;
}

// Reads one NUL-terminated string at `pos`, advancing it.
static std::string readString(const uint8_t *data, size_t size, size_t &pos, const char *what) {
  const void *nul = std::memchr(data + pos, 0, size - pos);
  if (!nul)
    fail("{}: string at offset {} is not NUL-terminated (section truncated?)", what, pos);
  size_t end = static_cast<const uint8_t *>(nul) - data;
  std::string text(reinterpret_cast<const char *>(data + pos), end - pos);
  pos = end + 1;
  return text;
}

// String pairs from `pos` to the end, as `Pair`s {first, second}.
template <typename Pair>
static std::vector<Pair> readPairs(const uint8_t *data, size_t size, size_t pos,
                                   const char *what) {
  std::vector<Pair> out;
  while (pos < size) {
    std::string function = readString(data, size, pos, what);
    if (pos >= size)
      fail("{}: function '{}' has no second string", what, function);
    out.push_back({std::move(function), readString(data, size, pos, what)});
  }
  return out;
}

Info decode_info(const uint8_t *data, size_t size) {
  InfoHeader header;
  if (size < sizeof header)
    fail("{}: {} bytes, shorter than its {}-byte header", kInfoSection, size, sizeof header);
  std::memcpy(&header, data, sizeof header);
  if (std::memcmp(header.magic, kInfoMagic, sizeof header.magic) != 0)
    fail("{}: bad magic (not written by the xisa link step)", kInfoSection);
  if (header.version != kInfoVersion)
    fail("{}: version {} is not the supported version {}; rebuild with this xisa", kInfoSection,
         header.version, kInfoVersion);
  if (header.tp_convention > static_cast<uint32_t>(TpConvention::PpcBias))
    fail("{}: unknown thread-pointer convention {}", kInfoSection, header.tp_convention);
  Info info;
  info.version = header.version;
  info.isa = header.isa;
  std::memcpy(info.build_id.data(), header.build_id, sizeof header.build_id);
  info.tls_address = header.tls_address;
  info.tls_file_size = header.tls_file_size;
  info.tls_mem_size = header.tls_mem_size;
  info.tls_align = header.tls_align;
  info.tp_convention = static_cast<TpConvention>(header.tp_convention);
  info.tp_offset = header.tp_offset;
  info.nonmig = readPairs<NonMigratable>(data, size, sizeof header, kInfoSection);
  if (info.nonmig.size() != header.nonmig_count)
    fail("{}: header announces {} non-migratable functions but {} follow", kInfoSection,
         header.nonmig_count, info.nonmig.size());
  return info;
}

std::vector<NonMigratable> decode_nonmig(const uint8_t *data, size_t size) {
  return readPairs<NonMigratable>(data, size, 0, kNonMigSection);
}

std::vector<FrameLayout> decode_frames(const uint8_t *data, size_t size) {
  return readPairs<FrameLayout>(data, size, 0, kFramesSection);
}

} // namespace xisa::meta
