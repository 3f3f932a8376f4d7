/* The record of the call returning to an address: binary searches of the
 * link step's call-site table (xisa/call_sites.h). */
#include "rt.h"

/* How many of the n sorted 32-bit keys (each `stride` bytes apart from
 * `first`) are below `key` (or_at: at most `key`). */
static uint32_t count_below(const char *first, uint32_t stride, uint32_t n, uint32_t key, int or_at) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    uint32_t k = *(const uint32_t *)(first + (uint64_t)mid * stride);
    if (k < key || (or_at && k == key))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

uint64_t rt_call_site(const char *table, const char *end, uint64_t ra) {
  const struct xisa_call_sites_header *h = (const struct xisa_call_sites_header *)table;
  if (!table || table + sizeof *h > end)
    return 0;
  const struct xisa_code_range *ranges = (const struct xisa_code_range *)(h + 1);
  uint64_t room = (uint64_t)(end - (const char *)ranges);
  if (h->nr_ranges > room / sizeof *ranges ||
      h->nr_points > (room - h->nr_ranges * sizeof *ranges) / sizeof(uint32_t))
    return 0;
  const uint32_t *points = (const uint32_t *)(ranges + h->nr_ranges);
  if (ra < h->base || ra - h->base > UINT32_MAX)
    return 0;
  uint32_t offset = (uint32_t)(ra - h->base);
  /* The last range starting at or before ra is the only one it can lie in. */
  uint32_t r = count_below((const char *)&ranges[0].start, sizeof *ranges, h->nr_ranges, offset, 1);
  if (r == 0 || offset > ranges[r - 1].last)
    return 0;
  /* Its function's last point is at or after ra, so the first point at or
   * after ra is in that function. */
  uint32_t p = count_below((const char *)points, sizeof *points, h->nr_points, offset, 0);
  return p < h->nr_points ? h->base + points[p] : 0;
}
