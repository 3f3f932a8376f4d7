#include "images/image_file.h"

#include "support/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace xisa::images {

// First magic word of every image but the inventory.
static constexpr uint32_t kImgCommon = 0x54564319;

std::vector<uint8_t> read_file(const std::filesystem::path &path) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    fail("cannot open image {}: {}", path.string(), errno_text(errno));
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    bytes.insert(bytes.end(), buf, buf + n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed)
    fail("cannot read image {}", path.string());
  return bytes;
}

void write_file(const std::filesystem::path &path, const std::vector<uint8_t> &bytes) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    fail("cannot create image {}: {}", path.string(), errno_text(errno));
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok)
    fail("cannot write image {}: {}", path.string(), errno_text(errno));
}

static uint32_t load32(const uint8_t *p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

static void append32(std::vector<uint8_t> &out, uint32_t v) {
  const uint8_t *p = reinterpret_cast<const uint8_t *>(&v);
  out.insert(out.end(), p, p + 4);
}

ImageReader::ImageReader(const std::filesystem::path &path, Magic magic)
    : name_(path.filename().string()), bytes_(read_file(path)) {
  if (magic != Magic::Inventory) {
    if (bytes_.size() < 4 || load32(bytes_.data()) != kImgCommon)
      fail("{}: not a CRIU image (bad or missing magic); the image set is corrupt", name_);
    pos_ = 4;
  }
  if (bytes_.size() < pos_ + 4)
    fail("{}: truncated before its magic word; the image set is corrupt", name_);
  uint32_t found = load32(bytes_.data() + pos_);
  if (found != static_cast<uint32_t>(magic))
    fail("{}: magic {:#x} where {:#x} was expected; wrong or corrupt image", name_, found,
         static_cast<uint32_t>(magic));
  pos_ += 4;
}

ProtobufCMessage *ImageReader::next_message(const ProtobufCMessageDescriptor &descriptor) {
  ++entry_;
  if (bytes_.size() - pos_ < 4)
    fail("{}: entry {} ({}) is missing: the image is truncated", name_, entry_,
         descriptor.name);
  uint32_t size = load32(bytes_.data() + pos_);
  pos_ += 4;
  if (size > bytes_.size() - pos_)
    fail("{}: entry {} ({}) claims {} bytes but only {} remain: the image is truncated", name_,
         entry_, descriptor.name, size, bytes_.size() - pos_);
  ProtobufCMessage *msg = protobuf_c_message_unpack(&descriptor, nullptr, size, bytes_.data() + pos_);
  if (!msg)
    fail("{}: entry {} is not a valid {} message: the image is corrupt", name_, entry_,
         descriptor.name);
  pos_ += size;
  return msg;
}

void ImageReader::expect_end() const {
  if (!at_end())
    fail("{}: {} unexpected bytes after entry {}: the image is corrupt", name_,
         bytes_.size() - pos_, entry_);
}

ImageWriter::ImageWriter(Magic magic) {
  if (magic != Magic::Inventory)
    append32(bytes_, kImgCommon);
  append32(bytes_, static_cast<uint32_t>(magic));
}

void ImageWriter::add(const ProtobufCMessage &msg) {
  size_t size = protobuf_c_message_get_packed_size(&msg);
  append32(bytes_, size);
  size_t at = bytes_.size();
  bytes_.resize(at + size);
  protobuf_c_message_pack(&msg, bytes_.data() + at);
}

void ImageWriter::add_packed(const std::vector<uint8_t> &packed) {
  append32(bytes_, packed.size());
  bytes_.insert(bytes_.end(), packed.begin(), packed.end());
}

} // namespace xisa::images
