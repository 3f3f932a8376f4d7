// setjmp/longjmp: error recovery out of deep call chains, re-entering the
// same jmp_buf many times, and volatile locals that survive the jump.
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static jmp_buf recover;
static int depth_reached;

static int parse_digit(char c, int depth) {
  depth_reached = depth;
  if (c < '0' || c > '9')
    longjmp(recover, c);
  return c - '0';
}

static int parse(const char *s, int depth) {
  char scratch[32];
  snprintf(scratch, sizeof scratch, "%s", s);
  if (!*s)
    return 0;
  return parse_digit(scratch[0], depth) + 10 * parse(s + 1, depth + 1);
}

static int attempt(const char *text, int *value) {
  volatile int tries = 0;
  int code = setjmp(recover);
  tries++;
  if (code != 0) {
    printf("  '%s': bad char '%c' at depth %d after %d tries\n", text, code, depth_reached, tries);
    return 0;
  }
  *value = parse(text, 0);
  return 1;
}

static jmp_buf loop_buf;
static int jumps;

static void bounce(int n) {
  if (n % 3 == 0) {
    jumps++;
    longjmp(loop_buf, n + 1);
  }
}

int main(void) {
  const char *inputs[] = {"12345", "98x12", "", "7777777", "1234567z"};
  int good = 0;
  for (int i = 0; i < 5; i++) {
    int v = -1;
    if (attempt(inputs[i], &v)) {
      printf("  '%s' -> %d (reversed digits)\n", inputs[i], v);
      good++;
    }
  }
  volatile long acc = 0;
  int n = setjmp(loop_buf);
  while (n < 3000) {
    acc += n;
    n++;
    bounce(n);
  }
  long expected = 0; // every n below 3000 except the multiples of 3 jumped over
  for (int i = 0; i < 3000; i++)
    expected += i % 3 ? i : 0;
  printf("good=%d acc=%ld jumps=%d\n", good, (long)acc, jumps);
  return good == 3 && acc == expected && jumps == 1000 ? 0 : 1;
}
