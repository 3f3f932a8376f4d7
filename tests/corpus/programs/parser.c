// Mutually recursive descent parser and evaluator for integer expressions
// with + - * / % ^ (power), unary minus and parentheses; reports errors
// with their position.
#include <stdio.h>

struct parser {
  const char *text;
  int pos;
  const char *error;
};

static long expr(struct parser *p);

static void skip(struct parser *p) {
  while (p->text[p->pos] == ' ')
    p->pos++;
}

static long primary(struct parser *p) {
  skip(p);
  char c = p->text[p->pos];
  if (c == '(') {
    p->pos++;
    long v = expr(p);
    skip(p);
    if (p->text[p->pos] != ')') {
      p->error = "expected ')'";
      return 0;
    }
    p->pos++;
    return v;
  }
  if (c == '-') {
    p->pos++;
    return -primary(p);
  }
  if (c < '0' || c > '9') {
    p->error = "expected a number";
    return 0;
  }
  long v = 0;
  while (p->text[p->pos] >= '0' && p->text[p->pos] <= '9')
    v = v * 10 + (p->text[p->pos++] - '0');
  return v;
}

static long power(struct parser *p) {
  long base = primary(p);
  skip(p);
  if (p->text[p->pos] != '^' || p->error)
    return base;
  p->pos++;
  long exp = power(p); // right associative
  long r = 1;
  while (exp-- > 0)
    r *= base;
  return r;
}

static long term(struct parser *p) {
  long v = power(p);
  for (;;) {
    skip(p);
    char op = p->text[p->pos];
    if (p->error || (op != '*' && op != '/' && op != '%'))
      return v;
    p->pos++;
    long rhs = power(p);
    if (op != '*' && rhs == 0) {
      p->error = "division by zero";
      return 0;
    }
    v = op == '*' ? v * rhs : op == '/' ? v / rhs : v % rhs;
  }
}

static long expr(struct parser *p) {
  long v = term(p);
  for (;;) {
    skip(p);
    char op = p->text[p->pos];
    if (p->error || (op != '+' && op != '-'))
      return v;
    p->pos++;
    long rhs = term(p);
    v = op == '+' ? v + rhs : v - rhs;
  }
}

int main(void) {
  static const char *const inputs[] = {
      "1 + 2 * 3",         "(1 + 2) * 3",     "2 ^ 3 ^ 2",   "-(4 - 10) * -3 % 7",
      "100 / (5 - 5)",     "((((((((7))))))))", "3 + * 4",     "12 - 4 - 2",
      "(2 ^ 62 - 1) % 1000003 + 2 ^ 10", "((1 + 2) * (3 + 4) * (5 + 6)) / 7 - (8"};
  int errors = 0;
  long total = 0;
  for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    struct parser p = {inputs[i], 0, NULL};
    long v = expr(&p);
    skip(&p);
    if (!p.error && p.text[p.pos])
      p.error = "trailing input";
    if (p.error) {
      printf("%-40s error at %d: %s\n", inputs[i], p.pos, p.error);
      errors++;
    } else {
      printf("%-40s = %ld\n", inputs[i], v);
      total += v;
    }
  }
  printf("errors=%d total=%ld\n", errors, total);
  return errors == 3 ? 0 : 1;
}
