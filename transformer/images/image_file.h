// One CRIU image file: magic words, then entries each prefixed by its
// 32-bit size (CRIU's "images v1.1"). Internal to xisa_images.
#pragma once
#include <protobuf-c/protobuf-c.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace xisa::images {

// Second magic word of each image kind (CRIU's criu/include/magic.h).
enum class Magic : uint32_t {
  Inventory = 0x58313116,
  Pstree = 0x50273030,
  Core = 0x55053847,
  Mm = 0x57492820,
  Pagemap = 0x56084025,
  Files = 0x56303138,
  Fs = 0x51403912,
};

struct PbFree {
  void operator()(void *msg) const {
    protobuf_c_message_free_unpacked(static_cast<ProtobufCMessage *>(msg), nullptr);
  }
};
template <typename M> using PbPtr = std::unique_ptr<M, PbFree>;

std::vector<uint8_t> read_file(const std::filesystem::path &path);
void write_file(const std::filesystem::path &path, const std::vector<uint8_t> &bytes);

class ImageReader {
public:
  ImageReader(const std::filesystem::path &path, Magic magic);
  bool at_end() const { return pos_ == bytes_.size(); }
  // The next entry, unpacked as a message of type M.
  template <typename M> PbPtr<M> next(const ProtobufCMessageDescriptor &descriptor) {
    return PbPtr<M>(reinterpret_cast<M *>(next_message(descriptor)));
  }
  // The next entry that must be the file's only one.
  template <typename M> PbPtr<M> only(const ProtobufCMessageDescriptor &descriptor) {
    PbPtr<M> msg = next<M>(descriptor);
    expect_end();
    return msg;
  }
  void expect_end() const;

private:
  ProtobufCMessage *next_message(const ProtobufCMessageDescriptor &descriptor);

  std::string name_;
  std::vector<uint8_t> bytes_;
  size_t pos_ = 0;
  unsigned entry_ = 0;
};

class ImageWriter {
public:
  explicit ImageWriter(Magic magic);
  void add(const ProtobufCMessage &msg);
  // An entry that is already a packed message.
  void add_packed(const std::vector<uint8_t> &packed);
  void save(const std::filesystem::path &path) const { write_file(path, bytes_); }

private:
  std::vector<uint8_t> bytes_;
};

} // namespace xisa::images
