#include <stdlib.h>

#include "graph.h"

struct graph *graph_grid(int width, int height, uint32_t seed) {
  struct graph *g = calloc(1, sizeof *g);
  if (!g)
    return NULL;
  g->nodes = width * height;
  g->first = calloc((size_t)g->nodes + 1, sizeof *g->first);
  g->edges = malloc((size_t)g->nodes * 4 * sizeof *g->edges);
  if (!g->first || !g->edges) {
    graph_free(g);
    return NULL;
  }
  static const int dx[] = {1, -1, 0, 0}, dy[] = {0, 0, 1, -1};
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++) {
      int v = y * width + x;
      g->first[v] = (int)g->nedges;
      for (int d = 0; d < 4; d++) {
        int nx = x + dx[d], ny = y + dy[d];
        uint32_t r = rng_next(&seed);
        if (nx < 0 || ny < 0 || nx >= width || ny >= height || r % 10 == 0)
          continue; // off the grid, or a road closed by chance
        g->edges[g->nedges++] = (struct edge){ny * width + nx, 1 + (int)(r >> 8) % 99};
      }
    }
  g->first[g->nodes] = (int)g->nedges;
  return g;
}

void graph_free(struct graph *g) {
  if (!g)
    return;
  free(g->first);
  free(g->edges);
  free(g);
}

int64_t *graph_dijkstra(const struct graph *g, int source) {
  int64_t *dist = malloc((size_t)g->nodes * sizeof *dist);
  struct pqueue *q = pq_new((size_t)g->nodes);
  if (!dist || !q) {
    free(dist);
    pq_free(q);
    return NULL;
  }
  for (int v = 0; v < g->nodes; v++)
    dist[v] = GRAPH_UNREACHABLE;
  dist[source] = 0;
  pq_push(q, 0, source);
  int64_t d;
  for (int v; (v = pq_pop(q, &d)) >= 0;) {
    if (d > dist[v])
      continue; // stale entry
    for (int e = g->first[v]; e < g->first[v + 1]; e++) {
      int64_t nd = d + g->edges[e].weight;
      if (nd < dist[g->edges[e].to]) {
        dist[g->edges[e].to] = nd;
        pq_push(q, nd, g->edges[e].to);
      }
    }
  }
  pq_free(q);
  return dist;
}

static int find(int *parent, int v) {
  while (parent[v] != v)
    v = parent[v] = parent[parent[v]];
  return v;
}

int graph_components(const struct graph *g, int *component) {
  int *parent = malloc((size_t)g->nodes * sizeof *parent);
  if (!parent)
    return -1;
  for (int v = 0; v < g->nodes; v++)
    parent[v] = v;
  for (int v = 0; v < g->nodes; v++)
    for (int e = g->first[v]; e < g->first[v + 1]; e++) {
      int a = find(parent, v), b = find(parent, g->edges[e].to);
      if (a != b)
        parent[a < b ? b : a] = a < b ? a : b;
    }
  int count = 0;
  for (int v = 0; v < g->nodes; v++)
    component[v] = -1;
  for (int v = 0; v < g->nodes; v++) {
    int root = find(parent, v);
    if (component[root] < 0)
      component[root] = count++;
    component[v] = component[root];
  }
  free(parent);
  return count;
}
