// Returns a non-zero status from main, so the harness checks that exit codes
// travel unchanged on every ISA (and that a failing status is not mistaken
// for a crash).
#include <stdio.h>
// corpus-exit: 42

int main(void) {
  unsigned h = 2166136261u;
  for (const char *p = "exit status travels"; *p; p++)
    h = (h ^ (unsigned char)*p) * 16777619u;
  printf("fnv1a=%08x\n", h);
  return 42;
}
