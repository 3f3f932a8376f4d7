/* The record of the call returning to an address: binary searches of the
 * link step's call-site table (xisa/call_sites.h). */
#include "rt.h"

/* How many of the n sorted keys (each `stride` bytes apart from `first`)
 * are below `key` (below_or_at: at most `key`). */
static uint64_t count_below(const char *first, uint64_t stride, uint64_t n, uint64_t key,
                            int or_at) {
  uint64_t lo = 0, hi = n;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    uint64_t k = *(const uint64_t *)(first + mid * stride);
    if (k < key || (or_at && k == key))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

const struct xisa_call_site *rt_call_site(const char *table, const char *end, uint64_t ra) {
  const struct xisa_call_sites_header *h = (const struct xisa_call_sites_header *)table;
  if (!table || table + sizeof *h > end)
    return 0;
  const struct xisa_code_range *ranges = (const struct xisa_code_range *)(h + 1);
  uint64_t room = (uint64_t)(end - (const char *)ranges);
  if (h->nr_ranges > room / sizeof *ranges ||
      h->nr_sites > (room - h->nr_ranges * sizeof *ranges) / sizeof(struct xisa_call_site))
    return 0;
  const struct xisa_call_site *sites = (const struct xisa_call_site *)(ranges + h->nr_ranges);
  /* The last range starting at or before ra is the only one it can lie in. */
  uint64_t r = count_below((const char *)ranges, sizeof *ranges, h->nr_ranges, ra, 1);
  if (r == 0 || ra > ranges[r - 1].last)
    return 0;
  /* Its function's last point is at or after ra, so the first point at or
   * after ra is in that function. */
  uint64_t s = count_below((const char *)sites, sizeof *sites, h->nr_sites, ra, 0);
  return s < h->nr_sites ? &sites[s] : 0;
}
