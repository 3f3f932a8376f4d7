/* Whether a return address is a call site: a binary search of the link
 * step's call-site table (xisa/call_sites.h). */
#include "rt.h"

#include "xisa/call_sites.h"

int rt_is_call_site(const char *table, const char *end, uint64_t ra) {
  if (table + sizeof(uint64_t) > end)
    return 0;
  uint64_t count = *(const uint64_t *)table;
  const struct xisa_code_range *ranges = (const struct xisa_code_range *)(table + sizeof(uint64_t));
  if (count > (uint64_t)(end - (const char *)ranges) / sizeof *ranges)
    return 0;
  /* The last range starting at or before ra is the only one it can lie in. */
  uint64_t lo = 0, hi = count;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (ranges[mid].start <= ra)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo > 0 && ra <= ranges[lo - 1].last;
}
