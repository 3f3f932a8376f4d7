// A long-running loop kernel: sieve of Eratosthenes over a byte array, then
// twin primes and prime gaps. Optional argument: the limit (default 25M).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// corpus-args: 2000000

int main(int argc, char **argv) {
  long limit = argc > 1 ? atol(argv[1]) : 25000000;
  if (limit < 10) {
    fprintf(stderr, "sieve: limit must be at least 10\n");
    return 2;
  }
  unsigned char *composite = calloc((size_t)limit + 1, 1);
  if (!composite)
    return 3;
  for (long i = 2; i * i <= limit; i++)
    if (!composite[i])
      for (long j = i * i; j <= limit; j += i)
        composite[j] = 1;
  long count = 0, twins = 0, max_gap = 0, last = 2;
  unsigned long long sum = 0;
  for (long i = 2; i <= limit; i++) {
    if (composite[i])
      continue;
    count++;
    sum += (unsigned long long)i;
    if (i - last == 2)
      twins++;
    if (i - last > max_gap)
      max_gap = i - last;
    last = i;
  }
  printf("primes<=%ld: %ld, sum=%llu, twin pairs=%ld, max gap=%ld, largest=%ld\n", limit, count,
         sum, twins, max_gap, last);
  free(composite);
  return 0;
}
