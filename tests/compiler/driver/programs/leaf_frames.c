/* A function without calls and one with: only the second keeps a frame
 * pointer (frame-pointers.sh). */
#include <stdio.h>

__attribute__((noinline)) int leaf(int a, int b) { return a * 3 + b; }

__attribute__((noinline)) int caller(int n) { return printf("%d\n", leaf(n, 1)); }

int main(void) { return caller(13) == 3 ? 0 : 1; }
