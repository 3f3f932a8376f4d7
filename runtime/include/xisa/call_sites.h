/* The call-site table (section .xisa.callsites, between the symbols
 * __xisa_callsites_start and __xisa_callsites_end): what the runtime needs of
 * the stackmap records to tell whether a return address is a call site.
 * The link step writes it from the executable's .llvm_stackmaps, which it
 * then leaves unloaded and compressed: only the host tools read the full
 * records, from the executable file. Plain C, shared by the runtime and the
 * host tools.
 *
 * Layout (little-endian): struct xisa_call_sites_header, its nr_ranges
 * ranges sorted by start and disjoint, its nr_sites sites sorted by point,
 * then zeros up to the section's end (the section has one size on every
 * ISA, the largest ISA's). */
#ifndef XISA_CALL_SITES_H
#define XISA_CALL_SITES_H

#include <stdint.h>

#define XISA_CALL_SITES_SECTION ".xisa.callsites"

/* One function with stackmap records: from its first byte to its last
 * record point, both included. A record sits after its call, and the code
 * between may reload or recompute values, so a return address is a call
 * site when it lies in such a range. */
struct xisa_code_range {
  uint64_t start, last;
};

/* One stackmap record: its point and id. The record of the call returning
 * to an address in a range is the first point at or after the address. */
struct xisa_call_site {
  uint64_t point, id;
};

struct xisa_call_sites_header {
  uint64_t nr_ranges, nr_sites;
};

#endif
