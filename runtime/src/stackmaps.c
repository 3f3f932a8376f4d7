/* Reading the program's LLVM stackmap records (version 3,
 * llvm/docs/StackMaps.rst) as the link step concatenated them: one blob
 * per object, each a header, its functions, constants and records. */
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

/* A record sits after its call, and the code between may reload, copy or
 * recompute values (on x86_64, 97 bytes of vector constants after matmul's
 * init-loop poll), so no fixed distance from the return address fits: the
 * address must lie in a function with records, at or before one of that
 * function's record points. Code without records (libc calling back into
 * the program, a signal trampoline) lies in no such function. */
int rt_is_call_site(const char *stackmaps, const char *end, uint64_t ra) {
  const char *p = stackmaps;
  while (p + sizeof(struct sm_header) <= end) {
    const struct sm_header *h = (const struct sm_header *)p;
    if (h->version != 3)
      return 0;
    const struct sm_function *fn = (const struct sm_function *)(h + 1);
    const char *rec = (const char *)(fn + h->nr_functions) + 8ull * h->nr_constants;
    for (uint32_t f = 0; f < h->nr_functions; f++) {
      for (uint64_t r = 0; r < fn[f].nr_records; r++) {
        uint32_t offset = *(const uint32_t *)(rec + 8);
        uint16_t nr_locations = *(const uint16_t *)(rec + 14);
        if (fn[f].address <= ra && ra <= fn[f].address + offset)
          return 1;
        const char *after = (const char *)align8((uint64_t)(rec + 16 + 12ull * nr_locations));
        uint16_t nr_liveouts = *(const uint16_t *)(after + 2);
        rec = (const char *)align8((uint64_t)(after + 4 + 4ull * nr_liveouts));
      }
    }
    p = rec;
  }
  return 0;
}
