// routes: shortest paths over a generated city grid.
// Usage: routes [text|csv] [size]   (default: text 120)
#include <stdio.h>
#include <stdlib.h>

#include "graph.h"
#include "report.h"

int main(int argc, char **argv) {
  const char *format = argc > 1 ? argv[1] : "text";
  int size = argc > 2 ? atoi(argv[2]) : 120;
  report_fn report = report_lookup(format);
  if (!report || size < 2 || size > 2000) {
    fprintf(stderr, "usage: routes [text|csv] [size 2..2000]\n");
    return 2;
  }
  printf("%s, %dx%d grid\n", graph_version, size, size);
  struct graph *g = graph_grid(size, size, 7);
  if (!g)
    return 3;
  int *component = malloc((size_t)g->nodes * sizeof *component);
  if (!component)
    return 3;
  int components = graph_components(g, component);
  printf("nodes=%d edges=%zu components=%d\n", g->nodes, g->nedges, components);
  const int sources[] = {0, g->nodes / 2 + size / 2, g->nodes - 1};
  const char *labels[] = {"corner", "center", "far-corner"};
  for (int i = 0; i < 3; i++) {
    int64_t *dist = graph_dijkstra(g, sources[i]);
    if (!dist)
      return 3;
    struct route_stats stats = summarize(g, dist);
    report(labels[i], &stats);
    free(dist);
  }
  free(component);
  graph_free(g);
  return 0;
}
