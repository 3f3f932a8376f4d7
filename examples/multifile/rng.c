#include "graph.h"

const char graph_version[] = "libgraph 1.0";

uint32_t rng_next(uint32_t *state) {
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}
