#include <stdio.h>
int square(int);
int main(void) {
  printf("square=%d\n", square(12));
  return 0;
}
