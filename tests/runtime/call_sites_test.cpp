// The call-site table from end to end: the link step's ranges and encoding
// (compiler/link/call_site_table.h) from stackmap blobs, and the runtime's
// lookup in it (runtime/src/call_sites.c), built for the host: which return
// addresses the runtime takes for call sites decides where a thread may park.
#include "link/call_site_table.h"
#include "support/error.h"
#include "support/value_type.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

extern "C" {
#include "rt.h"
}

namespace {

// One LLVM stackmap v3 blob (llvm/docs/StackMaps.rst) as XisaPass writes
// it: each live value's location, then a constant holding its type.
struct Blob {
  struct Function {
    uint64_t address;
    std::vector<uint32_t> record_offsets;
    uint16_t live_values = 1;
  };
  std::vector<uint8_t> bytes;

  template <class T> void put(T v) {
    size_t at = bytes.size();
    bytes.resize(at + sizeof v);
    std::memcpy(bytes.data() + at, &v, sizeof v);
  }
  void align8() { bytes.resize((bytes.size() + 7) / 8 * 8); }
  void location(uint8_t kind, uint16_t reg, int32_t offset) {
    put(kind), put<uint8_t>(0), put<uint16_t>(8), put(reg), put<uint16_t>(0), put(offset);
  }

  explicit Blob(const std::vector<Function> &functions) {
    uint32_t nr_records = 0;
    for (const Function &f : functions)
      nr_records += uint32_t(f.record_offsets.size());
    put<uint8_t>(3), put<uint8_t>(0), put<uint16_t>(0);
    put<uint32_t>(uint32_t(functions.size())), put<uint32_t>(0), put<uint32_t>(nr_records);
    for (const Function &f : functions)
      put(f.address), put<uint64_t>(64), put<uint64_t>(f.record_offsets.size());
    int32_t i64 = int32_t(xisa::encode_value_type({xisa::ValueClass::Integer, 64}));
    for (const Function &f : functions)
      for (uint32_t offset : f.record_offsets) {
        put<uint64_t>(0xabcdef), put(offset), put<uint16_t>(0), put<uint16_t>(2 * f.live_values);
        for (uint16_t v = 0; v < f.live_values; v++)
          location(1, 3, 0), location(4, 0, i64); // in register 3, an i64
        align8();
        put<uint16_t>(0), put<uint16_t>(1), put<uint16_t>(3), put<uint8_t>(0), put<uint8_t>(8); // one live-out
        align8();
      }
  }
};

using Functions = std::vector<Blob::Function>;

// The table as the link step writes it, in a section of `extra` spare bytes.
std::vector<uint8_t> table(const std::vector<uint8_t> &stackmaps, uint64_t extra = 0) {
  auto ranges = xisa::link::call_site_ranges(xisa::meta::parse_stackmaps(stackmaps));
  return xisa::link::encode_call_site_table(ranges, 8 + 16 * ranges.size() + extra);
}

bool is_call_site(const std::vector<uint8_t> &table, uint64_t ra) {
  auto *p = reinterpret_cast<const char *>(table.data());
  return rt_is_call_site(p, p + table.size(), ra) != 0;
}

// matmul's init-loop poll on x86_64: the record sits 97 bytes after the
// return address (vector constants reloaded after the call).
TEST(RuntimeCallSites, ARecordFarAfterItsCallStillNamesIt) {
  auto t = table(Blob(Functions{{0x10013320, {0x509, 0x5e8}}}).bytes);
  EXPECT_TRUE(is_call_site(t, 0x100138a7));
  EXPECT_TRUE(is_call_site(t, 0x10013320 + 0x509));
  EXPECT_TRUE(is_call_site(t, 0x10013320 + 0x5e8));
  EXPECT_FALSE(is_call_site(t, 0x10013320 + 0x5e9));
}

// A function without records (a libc routine calling back into the
// program) is no call site, however close it lies to one.
TEST(RuntimeCallSites, CodeOutsideFunctionsWithRecordsIsNoCallSite) {
  auto t = table(Blob(Functions{{0x1000, {0x40, 0x80}}, {0x2000, {0x10}}}).bytes);
  EXPECT_FALSE(is_call_site(t, 0x0ff8)); // before the first function
  EXPECT_TRUE(is_call_site(t, 0x1000));
  EXPECT_FALSE(is_call_site(t, 0x1081)); // after the first function's last record
  EXPECT_FALSE(is_call_site(t, 0x1ffc)); // a function between the two
  EXPECT_TRUE(is_call_site(t, 0x2004));
  EXPECT_FALSE(is_call_site(t, 0x2011));
}

// The link step concatenates one blob per object (with padding between);
// records of every blob count, whatever their locations' count, and the
// ranges come out sorted whatever the order of the objects.
TEST(RuntimeCallSites, EveryConcatenatedBlobIsRead) {
  Blob first(Functions{{0x3000, {0x20, 0x60}, 1}}), second(Functions{{0x1000, {0x40}, 5}});
  std::vector<uint8_t> blobs = first.bytes;
  blobs.insert(blobs.end(), 8, 0);
  blobs.insert(blobs.end(), second.bytes.begin(), second.bytes.end());
  auto t = table(blobs);
  EXPECT_TRUE(is_call_site(t, 0x1030));
  EXPECT_TRUE(is_call_site(t, 0x3050));
  EXPECT_FALSE(is_call_site(t, 0x3061));
  EXPECT_FALSE(is_call_site(table(second.bytes), 0x3050));
}

// One function's records in two blobs give one range, up to the last.
TEST(RuntimeCallSites, AFunctionInTwoBlobsGetsOneRange) {
  Blob first(Functions{{0x1000, {0x80}}}), second(Functions{{0x1000, {0x20}}, {0x1100, {0x8}}});
  std::vector<uint8_t> blobs = first.bytes;
  blobs.insert(blobs.end(), second.bytes.begin(), second.bytes.end());
  auto ranges = xisa::link::call_site_ranges(xisa::meta::parse_stackmaps(blobs));
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].start, 0x1000u);
  EXPECT_EQ(ranges[0].last, 0x1080u);
  EXPECT_EQ(ranges[1].start, 0x1100u);
}

// Every ISA's table fills a section of the largest ISA's size: the spare
// bytes are zeros the lookup never reads as ranges.
TEST(RuntimeCallSites, SpareRoomAfterTheRangesIsIgnored) {
  auto t = table(Blob(Functions{{0x1000, {0x40}}}).bytes, 64);
  EXPECT_EQ(t.size(), 8u + 16 + 64);
  EXPECT_TRUE(is_call_site(t, 0x1010));
  EXPECT_FALSE(is_call_site(t, 0x0));
  EXPECT_FALSE(is_call_site(t, 0x2000));
}

TEST(RuntimeCallSites, ATableThatDoesNotFitIsRefused) {
  auto ranges = xisa::link::call_site_ranges(
      xisa::meta::parse_stackmaps(Blob(Functions{{0x1000, {0x40}}, {0x2000, {0x40}}}).bytes));
  EXPECT_THROW(xisa::link::encode_call_site_table(ranges, 8 + 16), xisa::Error);
}

// A count larger than the section (a corrupt table) finds nothing.
TEST(RuntimeCallSites, ACountBeyondTheSectionIsNoCallSite) {
  auto t = table(Blob(Functions{{0x1000, {0x40}}}).bytes);
  t[0] = 2;
  EXPECT_FALSE(is_call_site(t, 0x1010));
  EXPECT_FALSE(is_call_site(std::vector<uint8_t>(4, 0), 0x1010));
}

} // namespace
