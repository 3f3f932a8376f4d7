#include <stdio.h>
#include "shape.h"
int main(void) {
  printf("sides=%d area=%d\n", SIDES, area(6, 7));
  return 0;
}
