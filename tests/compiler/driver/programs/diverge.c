// scaled() has one more call site on x86-64 than elsewhere; plain() is the
// same on every ISA. Both compute the same result everywhere.
#include <stdio.h>

static volatile int sink;

__attribute__((noinline)) static void step(int i) { sink += i; }

__attribute__((noinline)) static int scaled(int n) {
  int total = 0;
  for (int i = 0; i < n; i++) {
    step(i);
#ifdef __x86_64__
    step(0);
#endif
    total += 2;
  }
  return total;
}

__attribute__((noinline)) static int plain(int n) {
  step(n);
  return n;
}

int main(void) {
  printf("total %d\n", scaled(6) + plain(0));
  return 0;
}
