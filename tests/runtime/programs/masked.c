/* A program built by xisa-cc that keeps a sigsetjmp buffer with a saved
 * signal mask live while it prints: such a buffer resumes inside musl's
 * sigsetjmp, not at a call site, so a move to another ISA is refused and
 * the program goes on where it is (docs/design.md, "jmp_bufs"). It jumps
 * back once through the buffer, so a buffer spoilt by a refused move shows.
 * Usage: masked STEPS MS_PER_STEP */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static sigjmp_buf again;
static int rounds;

static void sleep_ms(long ms) {
  struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&left, &left) == -1 && errno == EINTR)
    ;
}

int main(int argc, char **argv) {
  int steps = argc > 1 ? atoi(argv[1]) : 10;
  long ms = argc > 2 ? atol(argv[2]) : 100;
  sigsetjmp(again, 1);
  rounds++;
  for (int step = 0; step < steps / 2; step++) {
    sleep_ms(ms);
    printf("masked round %d step %d\n", rounds, step);
    fflush(stdout);
  }
  if (rounds == 1)
    siglongjmp(again, 1);
  return rounds + 3;
}
