// Kernel: 16 {x, y} pairs scaled and shifted in a loop. The SLP vectorizer
// keeps each pair in one <2 x double> across the step loop's point: ppc64le
// keeps twelve in v20-v31 and spills the others with stxvd2x (doublewords
// exchanged), x86_64 and aarch64 spill them all. Optional argument: steps.
#include <stdio.h>
#include <stdlib.h>
// corpus-args: 100000

struct pair {
  double x, y;
};

static struct pair p[16];

int main(int argc, char **argv) {
  int steps = argc > 1 ? atoi(argv[1]) : 100000;
  for (int k = 0; k < 16; k++) {
    p[k].x = k;
    p[k].y = 2 * k;
  }
  for (int step = 0; step < steps; step++)
    for (int k = 0; k < 16; k++) {
      p[k].x = p[k].x * 1.0001 + k;
      p[k].y = p[k].y * 0.9999 + 2 * k;
    }
  for (int k = 0; k < 16; k++)
    printf("%d %.6f %.6f\n", k, p[k].x, p[k].y);
  return 0;
}
