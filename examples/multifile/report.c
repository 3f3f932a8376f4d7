#include <stdio.h>
#include <string.h>

#include "report.h"

struct route_stats summarize(const struct graph *g, const int64_t *dist) {
  struct route_stats s = {0, -1, -1, 0, 1469598103934665603u};
  int64_t total = 0;
  for (int v = 0; v < g->nodes; v++) {
    if (dist[v] == GRAPH_UNREACHABLE)
      continue;
    s.reachable++;
    total += dist[v];
    if (dist[v] > s.farthest) {
      s.farthest = dist[v];
      s.farthest_node = v;
    }
    s.checksum = (s.checksum ^ (uint64_t)dist[v]) * 1099511628211u;
  }
  s.mean = s.reachable ? (double)total / s.reachable : 0;
  return s;
}

void report_text(const char *label, const struct route_stats *s) {
  printf("%-10s reachable=%d farthest=%lld (node %d) mean=%.3f checksum=%016llx\n", label,
         s->reachable, (long long)s->farthest, s->farthest_node, s->mean,
         (unsigned long long)s->checksum);
}

void report_csv(const char *label, const struct route_stats *s) {
  printf("%s,%d,%lld,%d,%.3f,%016llx\n", label, s->reachable, (long long)s->farthest,
         s->farthest_node, s->mean, (unsigned long long)s->checksum);
}

static const struct {
  const char *name;
  report_fn fn;
} reporters[] = {{"text", report_text}, {"csv", report_csv}};

report_fn report_lookup(const char *name) {
  for (size_t i = 0; i < sizeof reporters / sizeof reporters[0]; i++)
    if (strcmp(reporters[i].name, name) == 0)
      return reporters[i].fn;
  return NULL;
}
