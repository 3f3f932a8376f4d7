// Exercises what the layout must agree on: functions, initialised and zero
// data, string literals reached through pointers, TLS, a constructor.
#include <stdio.h>
#include <string.h>

static int ctor_ran;
__attribute__((constructor)) static void init(void) { ctor_ran = 1; }

const char *greeting = "hello";
_Thread_local int tls_counter = 40;
_Thread_local char tls_buf[24];
static long zeroes[64];

static int add(int a, int b) { return a + b; }
int (*op)(int, int) = add;

int main(int argc, char **argv) {
  tls_counter += argc;
  strcpy(tls_buf, argc > 1 ? argv[1] : "none");
  zeroes[3] = op(tls_counter, 1);
  printf("%s %s %d %ld ctor=%d\n", greeting, tls_buf, tls_counter, zeroes[3], ctor_ran);
  return 0;
}
