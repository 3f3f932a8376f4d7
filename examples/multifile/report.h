// Summaries of a routing run, printed the same way on every ISA.
#ifndef REPORT_H
#define REPORT_H

#include "graph.h"

struct route_stats {
  int reachable;
  int64_t farthest;
  int farthest_node;
  double mean;
  uint64_t checksum;
};

typedef void (*report_fn)(const char *label, const struct route_stats *stats);

struct route_stats summarize(const struct graph *g, const int64_t *dist);
void report_text(const char *label, const struct route_stats *stats);
void report_csv(const char *label, const struct route_stats *stats);
// Chosen by name ("text" or "csv"); NULL for an unknown name.
report_fn report_lookup(const char *name);

#endif
