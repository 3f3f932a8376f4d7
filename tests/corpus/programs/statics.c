// Initialized data that holds addresses: tables of function pointers and
// strings, pointers into other globals, static locals that keep state between
// calls, and a linked structure built entirely at compile time.
#include <stdio.h>
#include <string.h>

struct shape {
  const char *name;
  double (*area)(const double *dims);
  int ndims;
  const struct shape *next;
};

static double rect_area(const double *d) { return d[0] * d[1]; }
static double tri_area(const double *d) { return 0.5 * d[0] * d[1]; }
static double square_area(const double *d) { return d[0] * d[0]; }

static const struct shape square = {"square", square_area, 1, NULL};
static const struct shape triangle = {"triangle", tri_area, 2, &square};
static const struct shape rectangle = {"rectangle", rect_area, 2, &triangle};

static int numbers[] = {5, 10, 15, 20};
static int *cursor = &numbers[1];
static int **cursor_ref = &cursor;
static const char *const names[] = {"zero", "one", "two", "three"};
static const char *const *name_cursor = names + 2;
char global_buffer[32] = "global";
char *buffer_tail = global_buffer + 6;

static int next_id(void) {
  static int id = 1000;
  return id++;
}

static const char *describe(int n) {
  static char scratch[48];
  snprintf(scratch, sizeof scratch, "%s(%d)", n < 4 ? names[n] : "many", n);
  return scratch;
}

int main(void) {
  const double dims[] = {3, 4};
  for (const struct shape *s = &rectangle; s; s = s->next)
    printf("%-9s dims=%d area=%.2f\n", s->name, s->ndims, s->area(dims));
  **cursor_ref += 1;
  cursor++;
  printf("numbers: %d %d %d %d, cursor->%d\n", numbers[0], numbers[1], numbers[2], numbers[3], *cursor);
  printf("names: %s %s\n", *name_cursor, name_cursor[-1]);
  strcpy(buffer_tail, "+tail");
  printf("buffer: %s\n", global_buffer);
  int a = next_id(), b = next_id(), c = next_id();
  printf("ids: %d %d %d, %s", a, b, c, describe(3));
  printf(" %s\n", describe(9));
  return numbers[1] == 11 && *cursor == 15 && c == 1002 ? 0 : 1;
}
