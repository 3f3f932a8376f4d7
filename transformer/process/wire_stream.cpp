#include "process/wire_stream.h"

#include "process/fd_io.h"
#include "support/error.h"

#include <cstring>
#include <fmt/format.h>

namespace xisa::process {

std::string WireRegion::name() const {
  std::string path(table.path, strnlen(table.path, sizeof table.path));
  return fmt::format("{:#x}-{:#x} {}", table.start, table.end, path.empty() ? "(anonymous)" : path);
}

uint32_t wire_isa(Isa isa) { return static_cast<uint32_t>(isa) + 1; }

Isa isa_from_wire(uint32_t wire) {
  if (wire < XISA_WIRE_X86_64 || wire > XISA_WIRE_PPC64LE)
    fail("process stream names an unknown ISA ({}); it is corrupt", wire);
  return static_cast<Isa>(wire - 1);
}

Isa WireStream::isa() const { return isa_from_wire(header.isa); }

uint64_t WireStream::byte_size() const {
  uint64_t n = sizeof header + threads.size() * sizeof(xisa_thread) +
               sigactions.size() * sizeof(xisa_sigaction) + regions.size() * sizeof(xisa_region);
  for (const WireRegion &r : regions)
    n += r.data.size();
  return n + sizeof(xisa_wire_trailer);
}

uint64_t WireStream::present_bytes() const {
  uint64_t n = 0;
  for (const WireRegion &r : regions)
    if (r.has_contents())
      n += r.data.size() - XISA_BITMAP_BYTES(r.size() / header.page_size);
  return n;
}

namespace {

// Takes bytes off the front of a span, failing with what was being read.
class Cursor {
public:
  explicit Cursor(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  template <typename T> T take(const char *what) {
    T value;
    std::memcpy(&value, need(sizeof value, what), sizeof value);
    return value;
  }
  std::span<const uint8_t> take_bytes(uint64_t n, const char *what) {
    const uint8_t *p = need(n, what);
    return {p, n};
  }
  uint64_t left() const { return bytes_.size() - used_; }

private:
  const uint8_t *need(uint64_t n, const char *what) {
    if (left() < n)
      fail("process stream is truncated: it ends inside {} ({} bytes missing)", what, n - left());
    const uint8_t *p = bytes_.data() + used_;
    used_ += n;
    return p;
  }
  std::span<const uint8_t> bytes_;
  uint64_t used_ = 0;
};

void check_header(const xisa_wire_header &h) {
  if (std::memcmp(h.magic, XISA_WIRE_MAGIC, 8) != 0)
    fail("not an xisa process stream (bad magic)");
  if (h.version != XISA_WIRE_VERSION)
    fail("process stream version {} is not supported (this xisa reads {})", h.version,
         XISA_WIRE_VERSION);
  isa_from_wire(h.isa);
  if (h.page_size < 4096 || (h.page_size & (h.page_size - 1)))
    fail("process stream has a bad page size {}", h.page_size);
  if (h.nr_threads == 0 || h.nr_threads > XISA_MAX_THREADS)
    fail("process stream has {} threads (1 to {} possible); it is corrupt", h.nr_threads,
         XISA_MAX_THREADS);
  if (h.nr_sigactions > 64)
    fail("process stream has {} signal actions (at most 64); it is corrupt", h.nr_sigactions);
  if (h.nr_regions == 0 || h.nr_regions > 65536)
    fail("process stream has {} memory regions; it is corrupt", h.nr_regions);
}

void check_region(const WireRegion &r, uint64_t page, uint64_t previous_end) {
  const xisa_region &t = r.table;
  if (t.start >= t.end || t.start % page || t.end % page)
    fail("process stream region {} is empty or not page aligned", r.name());
  if (t.start < previous_end)
    fail("process stream region {} overlaps the one before it", r.name());
  if (!r.has_contents()) {
    if (t.data_bytes)
      fail("process stream region {} has data but no contents flag", r.name());
    return;
  }
  uint64_t pages = r.size() / page, bitmap = XISA_BITMAP_BYTES(pages);
  if (t.data_bytes < bitmap || (t.data_bytes - bitmap) % page || t.data_bytes - bitmap > pages * page)
    fail("process stream region {} has a content size that does not fit it", r.name());
}

} // namespace

WireStream parse_wire(std::span<const uint8_t> bytes) {
  Cursor in(bytes);
  WireStream s;
  s.header = in.take<xisa_wire_header>("the header");
  check_header(s.header);
  for (uint32_t i = 0; i < s.header.nr_threads; i++)
    s.threads.push_back(in.take<xisa_thread>("the thread table"));
  for (uint32_t i = 0; i < s.header.nr_sigactions; i++)
    s.sigactions.push_back(in.take<xisa_sigaction>("the signal table"));
  uint64_t previous_end = 0, total = 0;
  for (uint32_t i = 0; i < s.header.nr_regions; i++) {
    WireRegion r;
    r.table = in.take<xisa_region>("the region table");
    r.table.path[XISA_PATH_MAX - 1] = 0;
    check_region(r, s.header.page_size, previous_end);
    previous_end = r.table.end;
    total += r.table.data_bytes;
    s.regions.push_back(std::move(r));
  }
  if (total != s.header.contents_bytes)
    fail("process stream header says {} content bytes, its regions {}; it is corrupt",
         s.header.contents_bytes, total);
  for (WireRegion &r : s.regions) {
    auto data = in.take_bytes(r.table.data_bytes, "memory contents");
    r.data.assign(data.begin(), data.end());
    uint64_t pages = r.size() / s.header.page_size, present = 0;
    if (r.has_contents()) {
      for (uint64_t p = 0; p < pages; p++)
        present += page_present(r.data, p);
      if (XISA_BITMAP_BYTES(pages) + present * s.header.page_size != r.data.size())
        fail("process stream region {}: page bitmap and page count disagree", r.name());
    }
  }
  auto trailer = in.take<xisa_wire_trailer>("the trailer");
  if (std::memcmp(trailer.magic, XISA_WIRE_TRAILER_MAGIC, 8) != 0 ||
      trailer.contents_bytes != s.header.contents_bytes)
    fail("process stream trailer is wrong; the stream is corrupt");
  if (in.left())
    fail("process stream has {} bytes after its trailer", in.left());
  return s;
}

std::vector<uint8_t> serialize_wire(const WireStream &s) {
  std::vector<uint8_t> out;
  out.reserve(s.byte_size());
  auto put = [&out](const void *p, size_t n) {
    out.insert(out.end(), static_cast<const uint8_t *>(p), static_cast<const uint8_t *>(p) + n);
  };
  xisa_wire_header h = s.header;
  h.nr_threads = static_cast<uint32_t>(s.threads.size());
  h.nr_sigactions = static_cast<uint32_t>(s.sigactions.size());
  h.nr_regions = static_cast<uint32_t>(s.regions.size());
  h.contents_bytes = 0;
  for (const WireRegion &r : s.regions)
    h.contents_bytes += r.data.size();
  put(&h, sizeof h);
  put(s.threads.data(), s.threads.size() * sizeof(xisa_thread));
  put(s.sigactions.data(), s.sigactions.size() * sizeof(xisa_sigaction));
  for (const WireRegion &r : s.regions) {
    xisa_region t = r.table;
    t.data_bytes = r.data.size();
    put(&t, sizeof t);
  }
  for (const WireRegion &r : s.regions)
    put(r.data.data(), r.data.size());
  xisa_wire_trailer trailer{};
  std::memcpy(trailer.magic, XISA_WIRE_TRAILER_MAGIC, 8);
  trailer.contents_bytes = h.contents_bytes;
  put(&trailer, sizeof trailer);
  return out;
}

std::vector<uint8_t> read_wire_bytes(int fd, std::chrono::milliseconds idle) {
  std::vector<uint8_t> bytes(sizeof(xisa_wire_header));
  read_exact(fd, bytes.data(), bytes.size(), idle, "the process stream header");
  xisa_wire_header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  check_header(h);
  uint64_t tables = h.nr_threads * sizeof(xisa_thread) + h.nr_sigactions * sizeof(xisa_sigaction) +
                    h.nr_regions * sizeof(xisa_region);
  uint64_t rest = tables + h.contents_bytes + sizeof(xisa_wire_trailer);
  bytes.resize(bytes.size() + rest);
  read_exact(fd, bytes.data() + sizeof h, rest, idle, "the process stream");
  return bytes;
}

} // namespace xisa::process
