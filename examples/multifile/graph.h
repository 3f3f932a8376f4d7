// libgraph: a weighted directed graph in adjacency-array form, a binary-heap
// priority queue, shortest paths and connected components.
#ifndef GRAPH_H
#define GRAPH_H

#include <stddef.h>
#include <stdint.h>

#define GRAPH_UNREACHABLE INT64_MAX

struct edge {
  int to;
  int weight;
};

struct graph {
  int nodes;
  int *first;        // first[v] .. first[v+1]-1 index edges of v
  struct edge *edges;
  size_t nedges;
};

// Deterministic generator shared by everything that needs random numbers.
uint32_t rng_next(uint32_t *state);
extern const char graph_version[];

// Builds a width x height grid; edge weights and missing edges come from seed.
struct graph *graph_grid(int width, int height, uint32_t seed);
void graph_free(struct graph *g);

// Distances from source (GRAPH_UNREACHABLE where no path exists).
int64_t *graph_dijkstra(const struct graph *g, int source);
// Component number of each node, treating edges as undirected; returns count.
int graph_components(const struct graph *g, int *component);

// Min-heap of (key, node) pairs.
struct pqueue;
struct pqueue *pq_new(size_t capacity);
void pq_push(struct pqueue *q, int64_t key, int node);
int pq_pop(struct pqueue *q, int64_t *key); // -1 when empty
size_t pq_size(const struct pqueue *q);
void pq_free(struct pqueue *q);

#endif
