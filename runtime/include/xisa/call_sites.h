/* The call-site table (section .xisa.callsites, between the symbols
 * __xisa_callsites_start and __xisa_callsites_end): what the runtime needs of
 * the stackmap records to tell whether a return address is a call site and
 * which record's point its call has. The link step writes it from the
 * executable's .llvm_stackmaps, which it then leaves unloaded and
 * compressed: only the host tools read the full records, ids included, from
 * the executable file. Plain C, shared by the runtime and the host tools.
 *
 * Layout (little-endian): struct xisa_call_sites_header, its nr_ranges
 * ranges sorted by start and disjoint, its nr_points points (uint32_t)
 * sorted, then zeros up to the section's end (the section has one size on
 * every ISA, the largest ISA's). Addresses are 32-bit offsets from `base`:
 * a program's code spans far less than 4 GiB, and a record takes 4 bytes
 * of the loaded segment instead of 16 for its address and id. */
#ifndef XISA_CALL_SITES_H
#define XISA_CALL_SITES_H

#include <stdint.h>

#define XISA_CALL_SITES_SECTION ".xisa.callsites"

/* One function with stackmap records: from its first byte to its last
 * record point, both included, as offsets from the header's base. A record
 * sits after its call, and the code between may reload or recompute values,
 * so a return address is a call site when it lies in such a range. The
 * record of the call returning to an address in a range is the first point
 * at or after the address. */
struct xisa_code_range {
  uint32_t start, last;
};

struct xisa_call_sites_header {
  uint64_t base; /* the first range's start */
  uint32_t nr_ranges, nr_points;
};

#endif
