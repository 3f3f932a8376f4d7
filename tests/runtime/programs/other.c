/* A different program with a different memory layout, to restore a
 * checkpoint of another program into. */
#include "migration_points.h"

#include <stdio.h>

static char big[3 << 20];

int main(void) {
  for (unsigned i = 0; i < sizeof big; i += 4096) {
    MIGRATION_POINT();
    big[i] = (char)i;
  }
  puts("other program ran");
  return 0;
}
