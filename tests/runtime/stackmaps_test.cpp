// The runtime's reading of stackmap records (runtime/src/stackmaps.c),
// built for the host: which return addresses it takes for call sites with
// a record decides where a thread may park, and the record it finds names
// the call site a thread parked at.
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
        // The id is the record's point, so a test sees which record was found.
        put<uint64_t>(f.address + offset), put(offset), put<uint16_t>(0), put(f.locations);
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

std::vector<rt_sm_function> index(const std::vector<uint8_t> &blobs) {
  auto *p = reinterpret_cast<const char *>(blobs.data());
  std::vector<rt_sm_function> functions(rt_index_stackmaps(p, p + blobs.size(), nullptr, 0));
  EXPECT_EQ(rt_index_stackmaps(p, p + blobs.size(), functions.data(), functions.size()),
            functions.size());
  return functions;
}

// The id of the record the runtime takes for ra's call, 0 for none.
uint64_t site_at(const std::vector<uint8_t> &blobs, uint64_t ra) {
  std::vector<rt_sm_function> functions = index(blobs);
  const char *record = rt_call_site_record(functions.data(), functions.size(), ra);
  uint64_t id = 0;
  if (record)
    std::memcpy(&id, record, sizeof id);
  return id;
}

bool is_call_site(const std::vector<uint8_t> &blobs, uint64_t ra) { return site_at(blobs, ra) != 0; }

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

// A parked thread reports the call site it parked at: the record of the
// first point at or after its return address, in the function holding it,
// whatever the order of functions in the blobs and of records in one.
TEST(RuntimeStackmaps, TheRecordOfACallIsTheFirstPointAtOrAfterIt) {
  Blob later(Functions{{0x5000, {0x80, 0x20, 0x50}}, {0x4000, {0x10}}});
  Blob earlier(Functions{{0x1000, {0x40}}, {0x3000, {0x30}}});
  std::vector<uint8_t> blobs = later.bytes;
  blobs.insert(blobs.end(), earlier.bytes.begin(), earlier.bytes.end());
  EXPECT_EQ(site_at(blobs, 0x5004), 0x5020u);
  EXPECT_EQ(site_at(blobs, 0x5020), 0x5020u);
  EXPECT_EQ(site_at(blobs, 0x5021), 0x5050u);
  EXPECT_EQ(site_at(blobs, 0x5051), 0x5080u);
  EXPECT_EQ(site_at(blobs, 0x4008), 0x4010u);
  EXPECT_EQ(site_at(blobs, 0x3008), 0x3030u);
  EXPECT_EQ(site_at(blobs, 0x1008), 0x1040u);
  EXPECT_EQ(site_at(blobs, 0x3031), 0u); // after its function's last point
  EXPECT_EQ(site_at(blobs, 0x0fff), 0u);
}

// Many functions, in reverse order in one blob: the index sorts them all.
TEST(RuntimeStackmaps, ManyFunctionsAreSortedByAddress) {
  Functions functions;
  for (uint64_t i = 0; i < 1000; i++)
    functions.push_back({0x100000 - i * 0x100, {0x8, 0x40}, 1});
  Blob blob(functions);
  std::vector<rt_sm_function> sorted = index(blob.bytes);
  ASSERT_EQ(sorted.size(), 1000u);
  for (size_t i = 1; i < sorted.size(); i++)
    EXPECT_LT(sorted[i - 1].address, sorted[i].address);
  for (uint64_t i = 0; i < 1000; i++) {
    uint64_t fn = 0x100000 - i * 0x100;
    EXPECT_EQ(site_at(blob.bytes, fn + 0x20), fn + 0x40);
    EXPECT_EQ(site_at(blob.bytes, fn + 0x41), 0u);
  }
}

// A function without records is left out of the index: the one before it
// does not stretch over it.
TEST(RuntimeStackmaps, FunctionsWithoutRecordsAreNotIndexed) {
  Blob blob(Functions{{0x1000, {0x40}}, {0x2000, {}}, {0x3000, {0x10}}});
  EXPECT_EQ(index(blob.bytes).size(), 2u);
  EXPECT_FALSE(is_call_site(blob.bytes, 0x2000));
  EXPECT_TRUE(is_call_site(blob.bytes, 0x3008));
}

} // namespace
