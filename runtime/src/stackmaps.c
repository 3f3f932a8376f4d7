/* Reading the program's LLVM stackmap records (version 3,
 * llvm/docs/StackMaps.rst) as the link step concatenated them: one blob
 * per object, each a header, its functions, constants and records. A park
 * looks up every frame's return address, so the functions with records are
 * indexed once, sorted by address, and searched by halves. */
#include "rt.h"

struct sm_header {
  uint8_t version, reserved0;
  uint16_t reserved1;
  uint32_t nr_functions, nr_constants, nr_records;
};
struct sm_function {
  uint64_t address, stack_size, nr_records;
};

static uint64_t align8(uint64_t v) { return (v + 7) & ~7ull; }

static uint32_t record_offset(const char *rec) { return *(const uint32_t *)(rec + 8); }

static const char *next_record(const char *rec) {
  uint16_t nr_locations = *(const uint16_t *)(rec + 14);
  const char *after = (const char *)align8((uint64_t)(rec + 16 + 12ull * nr_locations));
  uint16_t nr_liveouts = *(const uint16_t *)(after + 2);
  return (const char *)align8((uint64_t)(after + 4 + 4ull * nr_liveouts));
}

static void swap(struct rt_sm_function *a, struct rt_sm_function *b) {
  struct rt_sm_function t = *a;
  *a = *b;
  *b = t;
}

static void sift_down(struct rt_sm_function *a, size_t root, size_t n) {
  for (;;) {
    size_t child = 2 * root + 1;
    if (child >= n)
      return;
    if (child + 1 < n && a[child + 1].address > a[child].address)
      child++;
    if (a[root].address >= a[child].address)
      return;
    swap(&a[root], &a[child]);
    root = child;
  }
}

/* Heapsort: no libc qsort in every program, no quadratic worst case. */
static void sort_by_address(struct rt_sm_function *a, size_t n) {
  for (size_t i = n / 2; i-- > 0;)
    sift_down(a, i, n);
  for (size_t end = n; end-- > 1;) {
    swap(&a[0], &a[end]);
    sift_down(a, 0, end);
  }
}

size_t rt_index_stackmaps(const char *stackmaps, const char *end, struct rt_sm_function *out,
                          size_t room) {
  size_t n = 0;
  const char *p = stackmaps;
  while (p + sizeof(struct sm_header) <= end) {
    const struct sm_header *h = (const struct sm_header *)p;
    if (h->version != 3)
      break;
    const struct sm_function *fn = (const struct sm_function *)(h + 1);
    const char *rec = (const char *)(fn + h->nr_functions) + 8ull * h->nr_constants;
    for (uint32_t f = 0; f < h->nr_functions; f++) {
      struct rt_sm_function entry = {fn[f].address, fn[f].address, rec, fn[f].nr_records};
      for (uint64_t r = 0; r < fn[f].nr_records; r++) {
        uint64_t point = fn[f].address + record_offset(rec);
        entry.last_point = point > entry.last_point ? point : entry.last_point;
        rec = next_record(rec);
      }
      if (entry.nr_records && n < room)
        out[n] = entry;
      n += entry.nr_records != 0;
    }
    p = rec;
  }
  sort_by_address(out, n < room ? n : room);
  return n;
}

/* A record sits after its call, and the code between may reload, copy or
 * recompute values (on x86_64, 97 bytes of vector constants after matmul's
 * init-loop poll), so no fixed distance from the return address fits: the
 * address must lie in a function with records, at or before one of that
 * function's record points, and the call's record is the first point at
 * or after it. Code without records (libc calling back into the program, a
 * signal trampoline) lies in no such function. */
const char *rt_call_site_record(const struct rt_sm_function *functions, size_t n, uint64_t ra) {
  size_t lo = 0, hi = n; /* the first function that starts after ra */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (functions[mid].address <= ra)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0 || ra > functions[lo - 1].last_point)
    return 0;
  const struct rt_sm_function *fn = &functions[lo - 1];
  const char *best = 0, *rec = fn->records;
  uint64_t best_point = 0;
  for (uint64_t r = 0; r < fn->nr_records; r++, rec = next_record(rec)) {
    uint64_t point = fn->address + record_offset(rec);
    if (point >= ra && (!best || point < best_point))
      best = rec, best_point = point;
  }
  return best;
}
