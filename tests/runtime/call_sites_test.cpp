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
        // The id is the point's address, so tests can name records.
        put<uint64_t>(f.address + offset), put(offset), put<uint16_t>(0),
            put<uint16_t>(2 * f.live_values);
        for (uint16_t v = 0; v < f.live_values; v++)
          location(1, 3, 0), location(4, 0, i64); // in register 3, an i64
        align8();
        put<uint16_t>(0), put<uint16_t>(1), put<uint16_t>(3), put<uint8_t>(0), put<uint8_t>(8); // one live-out
        align8();
      }
  }
};

using Functions = std::vector<Blob::Function>;

xisa::link::CallSiteTable from(const std::vector<uint8_t> &stackmaps) {
  return xisa::link::call_site_table(xisa::meta::parse_stackmaps(stackmaps));
}

// The table as the link step writes it, in a section of `extra` spare bytes.
std::vector<uint8_t> table(const std::vector<uint8_t> &stackmaps, uint64_t extra = 0) {
  xisa::link::CallSiteTable t = from(stackmaps);
  return xisa::link::encode_call_site_table(t, t.bytes() + extra);
}

// The point of the record the runtime takes for ra's call, 0 for none.
uint64_t site_at(const std::vector<uint8_t> &table, uint64_t ra) {
  auto *p = reinterpret_cast<const char *>(table.data());
  return rt_call_site(p, p + table.size(), ra);
}

bool is_call_site(const std::vector<uint8_t> &table, uint64_t ra) { return site_at(table, ra) != 0; }

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
  xisa::link::CallSiteTable t = from(blobs);
  EXPECT_EQ(t.base, 0x1000u);
  ASSERT_EQ(t.ranges.size(), 2u);
  EXPECT_EQ(t.ranges[0].start, 0u);
  EXPECT_EQ(t.ranges[0].last, 0x80u);
  EXPECT_EQ(t.ranges[1].start, 0x100u);
  EXPECT_EQ(t.points.size(), 3u);
}

// A parked thread reports the call site it parked at: the point of the
// record (the host names it by the record's id), the record of the
// first point at or after its return address, in the function holding it,
// whatever the order of functions in the blobs and of records in one.
TEST(RuntimeCallSites, TheRecordOfACallIsTheFirstPointAtOrAfterIt) {
  Blob later(Functions{{0x5000, {0x80, 0x20, 0x50}}, {0x4000, {0x10}}});
  Blob earlier(Functions{{0x1000, {0x40}}, {0x3000, {0x30}}});
  std::vector<uint8_t> blobs = later.bytes;
  blobs.insert(blobs.end(), earlier.bytes.begin(), earlier.bytes.end());
  auto t = table(blobs);
  EXPECT_EQ(site_at(t, 0x5004), 0x5020u);
  EXPECT_EQ(site_at(t, 0x5020), 0x5020u);
  EXPECT_EQ(site_at(t, 0x5021), 0x5050u);
  EXPECT_EQ(site_at(t, 0x5051), 0x5080u);
  EXPECT_EQ(site_at(t, 0x4008), 0x4010u);
  EXPECT_EQ(site_at(t, 0x3008), 0x3030u);
  EXPECT_EQ(site_at(t, 0x1008), 0x1040u);
  EXPECT_EQ(site_at(t, 0x3031), 0u); // after its function's last point
  EXPECT_EQ(site_at(t, 0x0fff), 0u);
}

// Many functions, in reverse order in one blob: the table is sorted.
TEST(RuntimeCallSites, ManyFunctionsAreSortedByAddress) {
  Functions functions;
  for (uint64_t i = 0; i < 1000; i++)
    functions.push_back({0x100000 - i * 0x100, {0x8, 0x40}, 1});
  auto t = table(Blob(functions).bytes);
  for (uint64_t i = 0; i < 1000; i++) {
    uint64_t f = 0x100000 - i * 0x100;
    ASSERT_EQ(site_at(t, f), f + 0x8) << i;
    ASSERT_EQ(site_at(t, f + 0x9), f + 0x40) << i;
    ASSERT_EQ(site_at(t, f + 0x41), 0u) << i;
  }
}

// Every ISA's table fills a section of the largest ISA's size: the spare
// bytes are zeros the lookup never reads as ranges.
TEST(RuntimeCallSites, SpareRoomAfterTheRangesIsIgnored) {
  auto t = table(Blob(Functions{{0x1000, {0x40}}}).bytes, 64);
  EXPECT_EQ(t.size(), 16u + 8 + 4 + 64);
  EXPECT_TRUE(is_call_site(t, 0x1010));
  EXPECT_FALSE(is_call_site(t, 0x0));
  EXPECT_FALSE(is_call_site(t, 0x2000));
}

TEST(RuntimeCallSites, ATableThatDoesNotFitIsRefused) {
  xisa::link::CallSiteTable t = from(Blob(Functions{{0x1000, {0x40}}, {0x2000, {0x40}}}).bytes);
  EXPECT_THROW(xisa::link::encode_call_site_table(t, t.bytes() - 1), xisa::Error);
}

// Counts larger than the section (a corrupt table) find nothing.
TEST(RuntimeCallSites, CountsBeyondTheSectionAreNoCallSite) {
  auto t = table(Blob(Functions{{0x1000, {0x40}}}).bytes);
  ASSERT_TRUE(is_call_site(t, 0x1010));
  auto ranges = t, points = t;
  ranges[8] = 2;
  points[12] = 2;
  EXPECT_FALSE(is_call_site(ranges, 0x1010));
  EXPECT_FALSE(is_call_site(points, 0x1010));
  EXPECT_FALSE(is_call_site(std::vector<uint8_t>(12, 0), 0x1010));
}

// Each record takes 4 bytes of the loaded table and each function 8: its
// point and range are 32-bit offsets from the first function.
TEST(RuntimeCallSites, RecordsAreFourByteOffsetsFromTheFirstFunction) {
  Functions functions;
  for (uint64_t i = 0; i < 100; i++)
    functions.push_back({0x10010000 + i * 0x1000, {0x8, 0x40, 0x800}, 1});
  xisa::link::CallSiteTable t = from(Blob(functions).bytes);
  EXPECT_EQ(t.bytes(), 16u + 100 * 8 + 300 * 4);
  EXPECT_EQ(t.base, 0x10010000u);
  EXPECT_EQ(t.points.back(), 99u * 0x1000 + 0x800);
  auto bytes = xisa::link::encode_call_site_table(t, t.bytes());
  EXPECT_EQ(site_at(bytes, 0x10010000 + 42 * 0x1000 + 0x41), 0x10010000 + 42 * 0x1000 + 0x800);
  EXPECT_EQ(site_at(bytes, 0x1000fff8), 0u); // before the base
  EXPECT_EQ(site_at(bytes, 0x10010000 + 0x100000000), 0u); // 4 GiB on: not taken for the base
}

// Code spanning 4 GiB or more cannot be described by 32-bit offsets.
TEST(RuntimeCallSites, RecordsSpanningFourGiBAreRefused) {
  EXPECT_THROW(from(Blob(Functions{{0x1000, {0x40}}, {0x1000 + 0x100000000, {0x40}}}).bytes), xisa::Error);
  EXPECT_NO_THROW(from(Blob(Functions{{0x1000, {0x40}}, {0x1000 + 0xffff0000, {0x40}}}).bytes));
}

} // namespace
