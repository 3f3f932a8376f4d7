/* Writes the parked process as a wire stream (include/xisa/wire.h): threads,
 * signal dispositions, and memory from /proc/self/maps, zero pages left
 * out. Runs in the leading parked thread; the others wait. */
#include "rt.h"
#include "sys.h"

#include <string.h>
#include <sys/auxv.h>

/* The scratch buffer holds the maps text, then the region table, then the
 * page bitmaps. */
struct scratch_layout {
  char *maps;
  size_t maps_size;
  struct xisa_region *regions;
  size_t max_regions;
  uint8_t *bitmaps;
  size_t bitmap_bytes;
};

static void classify(struct xisa_region *r, uint64_t brk) {
  if (rt.kstack_addr >= r->start && rt.kstack_addr < r->end)
    r->flags |= XISA_REGION_KSTACK;
  else if (strcmp(r->path, "[vdso]") == 0 || strncmp(r->path, "[vvar", 5) == 0 ||
           strcmp(r->path, "[vsyscall]") == 0)
    r->flags |= XISA_REGION_KERNEL;
  else if (rt.exe_path[0] && strcmp(r->path, rt.exe_path) == 0)
    r->flags |= XISA_REGION_EXE;
  else if (strcmp(r->path, "[heap]") == 0 || (!r->path[0] && brk > r->start && brk <= r->end))
    r->flags |= XISA_REGION_HEAP;
  for (uint32_t i = 0; i < __xisa_park_area.nr_slots; i++) {
    const struct xisa_thread *t = rt_slot(i);
    if ((t->stack_lo >= r->start && t->stack_lo < r->end) ||
        (t->shadow_lo >= r->start && t->shadow_lo < r->end))
      r->flags |= XISA_REGION_RTSTACK;
  }
  int skip = (r->flags & (XISA_REGION_KSTACK | XISA_REGION_KERNEL)) ||
             ((r->flags & XISA_REGION_EXE) && !(r->prot & XISA_PROT_WRITE)) ||
             !(r->prot & XISA_PROT_READ);
  if (!skip)
    r->flags |= XISA_REGION_CONTENTS;
}

static int page_is_zero(const uint64_t *page, uint64_t size) {
  for (uint64_t i = 0; i < size / 8; i++)
    if (page[i])
      return 0;
  return 1;
}

/* Fills the region's bitmap; returns the bytes of bitmap and pages. */
static uint64_t map_pages(const struct xisa_region *r, uint8_t *bitmap, uint64_t page) {
  uint64_t pages = (r->end - r->start) / page, present = 0;
  memset(bitmap, 0, XISA_BITMAP_BYTES(pages));
  for (uint64_t i = 0; i < pages; i++)
    if (!page_is_zero((const uint64_t *)(r->start + i * page), page)) {
      bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
      present++;
    }
  return XISA_BITMAP_BYTES(pages) + present * page;
}

static int bit(const uint8_t *bitmap, uint64_t i) { return bitmap[i / 8] >> (i % 8) & 1; }

/* Writes runs of present pages with one write each. */
static int write_pages(int fd, const struct xisa_region *r, const uint8_t *bitmap, uint64_t page) {
  uint64_t pages = (r->end - r->start) / page;
  int err = rt_write_full(fd, bitmap, XISA_BITMAP_BYTES(pages));
  for (uint64_t i = 0; i < pages && !err;) {
    if (!bit(bitmap, i)) {
      i++;
      continue;
    }
    uint64_t first = i;
    while (i < pages && bit(bitmap, i))
      i++;
    err = rt_write_full(fd, (const void *)(r->start + first * page), (i - first) * page);
  }
  return err;
}

static uint32_t collect_sigactions(struct xisa_sigaction *out) {
  uint32_t n = 0;
  for (uint32_t sig = 1; sig <= 64; sig++) {
    struct {
      uint64_t handler, flags, restorer, mask;
    } k;
    if (sig == 9 || sig == 19 || rt_syscall4(SYS_rt_sigaction, sig, 0, &k, 8) < 0 || k.handler == 0)
      continue;
    out[n++] = (struct xisa_sigaction){sig, 0, k.handler, k.flags, k.restorer, k.mask};
  }
  return n;
}

int rt_stream_process(int fd) {
  struct scratch_layout s;
  s.maps = rt.scratch;
  s.maps_size = rt.scratch_size / 4;
  s.regions = (struct xisa_region *)(rt.scratch + s.maps_size);
  s.max_regions = rt.scratch_size / 2 / sizeof(struct xisa_region);
  s.bitmaps = (uint8_t *)(s.regions + s.max_regions);
  s.bitmap_bytes = rt.scratch + rt.scratch_size - (char *)s.bitmaps;
  if (rt_read_maps(s.maps, s.maps_size) < 0)
    return -1;

  struct xisa_wire_header h;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, XISA_WIRE_MAGIC, 8);
  h.version = XISA_WIRE_VERSION;
  h.isa = rt_wire_isa();
  h.page_size = rt.page_size;
  h.points_passed = rt.points.passed;
  h.brk = (uint64_t)rt_syscall1(SYS_brk, 0);
  struct xisa_park_area *area = &__xisa_park_area;
  rt_syscall2(SYS_prctl, 40 /* PR_GET_TID_ADDRESS */, &area->clear_child_tid);
  h.clear_child_tid = area->clear_child_tid;
  area->nr_sigactions = collect_sigactions(area->sigaction);
  h.nr_sigactions = area->nr_sigactions;

  uint32_t n = 0;
  size_t bitmap_used = 0;
  for (const char *p = s.maps; *p && n < s.max_regions;) {
    struct xisa_region *r = &s.regions[n];
    p = rt_parse_maps_line(p, r);
    if (r->start == (uint64_t)rt.scratch)
      continue; /* the runtime's own buffer: meaningless elsewhere */
    classify(r, h.brk);
    if (r->flags & XISA_REGION_CONTENTS) {
      size_t need = XISA_BITMAP_BYTES((r->end - r->start) / rt.page_size);
      if (bitmap_used + need > s.bitmap_bytes)
        return -1;
      r->data_bytes = map_pages(r, s.bitmaps + bitmap_used, rt.page_size);
      bitmap_used += need;
      h.contents_bytes += r->data_bytes;
    }
    n++;
  }
  h.nr_regions = n;

  for (uint32_t i = 0; i < area->nr_slots; i++)
    h.nr_threads += rt_slot(i)->state == XISA_THREAD_PARKED;

  int err = rt_write_full(fd, &h, sizeof h);
  for (uint32_t i = 0; i < area->nr_slots && !err; i++)
    if (rt_slot(i)->state == XISA_THREAD_PARKED)
      err = rt_write_full(fd, rt_slot(i), sizeof *rt_slot(i));
  if (!err)
    err = rt_write_full(fd, area->sigaction, h.nr_sigactions * sizeof area->sigaction[0]);
  if (!err)
    err = rt_write_full(fd, s.regions, n * sizeof s.regions[0]);
  const uint8_t *bitmap = s.bitmaps;
  for (uint32_t i = 0; i < n && !err; i++) {
    const struct xisa_region *r = &s.regions[i];
    if (!(r->flags & XISA_REGION_CONTENTS))
      continue;
    err = write_pages(fd, r, bitmap, rt.page_size);
    bitmap += XISA_BITMAP_BYTES((r->end - r->start) / rt.page_size);
  }
  struct xisa_wire_trailer t;
  memcpy(t.magic, XISA_WIRE_TRAILER_MAGIC, 8);
  t.contents_bytes = h.contents_bytes;
  if (!err)
    err = rt_write_full(fd, &t, sizeof t);
  return err;
}
