// Kernel: fannkuch-redux (permutation flipping), integer and memory traffic
// on tiny arrays. Optional argument: n (default 10, at most 12).
#include <stdio.h>
#include <stdlib.h>
// corpus-args: 8

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10;
  if (n < 3 || n > 12) {
    fprintf(stderr, "fannkuch: n must be between 3 and 12\n");
    return 2;
  }
  int perm[12], perm1[12], count[12];
  int max_flips = 0, checksum = 0, sign = 1, r = n;
  for (int i = 0; i < n; i++)
    perm1[i] = i;
  for (;;) {
    while (r != 1) {
      count[r - 1] = r;
      r--;
    }
    for (int i = 0; i < n; i++)
      perm[i] = perm1[i];
    int flips = 0;
    for (int k = perm[0]; k != 0; k = perm[0]) {
      for (int i = 0, j = k; i < j; i++, j--) {
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      flips++;
    }
    if (flips > max_flips)
      max_flips = flips;
    checksum += sign * flips;
    sign = -sign;
    for (;;) {
      if (r == n) {
        printf("%d\nPfannkuchen(%d) = %d\n", checksum, n, max_flips);
        return 0;
      }
      int first = perm1[0];
      for (int i = 0; i < r; i++)
        perm1[i] = perm1[i + 1];
      perm1[r] = first;
      if (--count[r] > 0)
        break;
      r++;
    }
  }
}
