// Deep and branching recursion: Ackermann, naive Fibonacci, Towers of Hanoi,
// and a linear recursion thousands of frames deep with a local array in each
// frame (so every frame owns addressable stack memory).
#include <stdio.h>

static unsigned long ackermann(unsigned long m, unsigned long n) {
  if (m == 0)
    return n + 1;
  if (n == 0)
    return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static unsigned long hanoi_moves;
static int peg_height[3];

static void hanoi(int n, int from, int to, int via) {
  if (n == 0)
    return;
  hanoi(n - 1, from, via, to);
  peg_height[from]--;
  peg_height[to]++;
  hanoi_moves++;
  hanoi(n - 1, via, to, from);
}

// The array is written through a pointer handed to the callee, so it has to
// live in memory in every frame.
static unsigned long fill(unsigned *slot, unsigned depth) { return slot[0] * 3u + slot[1] + depth; }

static unsigned long deep(unsigned depth) {
  unsigned local[4] = {depth, depth ^ 0x5a5au, depth * 7u, 1};
  if (depth == 0)
    return fill(local, 0);
  unsigned long below = deep(depth - 1);
  return (below * 31u + fill(local, depth)) % 1000000007u;
}

int main(void) {
  unsigned long a = ackermann(2, 300), b = ackermann(3, 7);
  printf("ackermann(2,300)=%lu ackermann(3,7)=%lu\n", a, b);
  unsigned long f = fib(27);
  printf("fib(27)=%lu\n", f);
  peg_height[0] = 18;
  hanoi(18, 0, 2, 1);
  printf("hanoi(18): %lu moves, pegs %d %d %d\n", hanoi_moves, peg_height[0], peg_height[1],
         peg_height[2]);
  unsigned long d = deep(20000);
  printf("deep(20000)=%lu\n", d);
  if (a != 603 || b != 1021 || f != 196418 || hanoi_moves != (1ul << 18) - 1 || peg_height[2] != 18)
    return 1;
  return 0;
}
