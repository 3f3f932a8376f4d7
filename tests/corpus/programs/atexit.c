// exit() called from deep inside a call chain: atexit handlers run in reverse
// order of registration, buffered stdout is flushed, and the status is 7.
#include <stdio.h>
#include <stdlib.h>
// corpus-exit: 7

static int handlers_run;

static void first(void) { printf("handler first (ran %d before)\n", handlers_run++); }
static void second(void) { printf("handler second (ran %d before)\n", handlers_run++); }

static void dive(int depth, long acc) {
  if (depth == 0) {
    printf("bottom reached, acc=%ld\n", acc);
    exit(acc == 5050 ? 7 : 1);
  }
  dive(depth - 1, acc + depth);
  printf("never printed\n");
}

int main(void) {
  atexit(first);
  atexit(second);
  printf("buffered line that exit() must flush");
  printf("\n");
  dive(100, 0);
  return 0;
}
