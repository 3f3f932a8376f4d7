// The runtime's reading of stackmap records (runtime/src/stackmaps.c),
// built for the host: which return addresses it takes for call sites with
// a record decides where a thread may park.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

extern "C" {
#include "rt.h"
}

namespace {

// One LLVM stackmap v3 blob (llvm/docs/StackMaps.rst).
struct Blob {
  struct Function {
    uint64_t address;
    std::vector<uint32_t> record_offsets;
    uint16_t locations = 2;
  };
  std::vector<uint8_t> bytes;

  template <class T> void put(T v) {
    size_t at = bytes.size();
    bytes.resize(at + sizeof v);
    std::memcpy(bytes.data() + at, &v, sizeof v);
  }
  void align8() { bytes.resize((bytes.size() + 7) / 8 * 8); }

  explicit Blob(const std::vector<Function> &functions) {
    uint32_t nr_records = 0;
    for (const Function &f : functions)
      nr_records += uint32_t(f.record_offsets.size());
    put<uint8_t>(3), put<uint8_t>(0), put<uint16_t>(0);
    put<uint32_t>(uint32_t(functions.size())), put<uint32_t>(1), put<uint32_t>(nr_records);
    for (const Function &f : functions)
      put(f.address), put<uint64_t>(64), put<uint64_t>(f.record_offsets.size());
    put<uint64_t>(0x1234); // one constant
    for (const Function &f : functions)
      for (uint32_t offset : f.record_offsets) {
        put<uint64_t>(0xabcdef), put(offset), put<uint16_t>(0), put(f.locations);
        for (uint16_t l = 0; l < f.locations; l++)
          put<uint8_t>(1), put<uint8_t>(0), put<uint16_t>(8), put<uint16_t>(3), put<uint16_t>(0),
              put<int32_t>(0); // 8 bytes in register 3
        align8();
        put<uint16_t>(0), put<uint16_t>(1), put<uint16_t>(3), put<uint8_t>(0), put<uint8_t>(8); // one live-out
        align8();
      }
  }
};

using Functions = std::vector<Blob::Function>;

bool is_call_site(const std::vector<uint8_t> &blobs, uint64_t ra) {
  auto *p = reinterpret_cast<const char *>(blobs.data());
  return rt_is_call_site(p, p + blobs.size(), ra) != 0;
}

// matmul's init-loop poll on x86_64: the record sits 97 bytes after the
// return address (vector constants reloaded after the call).
TEST(RuntimeStackmaps, ARecordFarAfterItsCallStillNamesIt) {
  Blob blob(Functions{{0x10013320, {0x509, 0x5e8}}});
  EXPECT_TRUE(is_call_site(blob.bytes, 0x100138a7));
  EXPECT_TRUE(is_call_site(blob.bytes, 0x10013320 + 0x509));
}

// A function without records (a libc routine calling back into the
// program) is no call site, however close it lies to one.
TEST(RuntimeStackmaps, CodeOutsideFunctionsWithRecordsIsNoCallSite) {
  Blob blob(Functions{{0x1000, {0x40, 0x80}}, {0x2000, {0x10}}});
  EXPECT_FALSE(is_call_site(blob.bytes, 0x0ff8));  // before the first function
  EXPECT_FALSE(is_call_site(blob.bytes, 0x1081));  // after the first function's last record
  EXPECT_FALSE(is_call_site(blob.bytes, 0x1ffc));  // a function between the two
  EXPECT_TRUE(is_call_site(blob.bytes, 0x2004));
  EXPECT_FALSE(is_call_site(blob.bytes, 0x2011));
}

// The link step concatenates one blob per object; records of every blob
// count, whatever their locations' count.
TEST(RuntimeStackmaps, EveryConcatenatedBlobIsRead) {
  Blob first(Functions{{0x1000, {0x40}, 5}}), second(Functions{{0x3000, {0x20, 0x60}, 1}});
  std::vector<uint8_t> blobs = first.bytes;
  blobs.insert(blobs.end(), second.bytes.begin(), second.bytes.end());
  EXPECT_TRUE(is_call_site(blobs, 0x1030));
  EXPECT_TRUE(is_call_site(blobs, 0x3050));
  EXPECT_FALSE(is_call_site(blobs, 0x3061));
  EXPECT_FALSE(is_call_site(first.bytes, 0x3050));
}

TEST(RuntimeStackmaps, AnUnknownVersionIsNoCallSite) {
  Blob blob(Functions{{0x1000, {0x40}}});
  blob.bytes[0] = 2;
  EXPECT_FALSE(is_call_site(blob.bytes, 0x1030));
}

} // namespace
