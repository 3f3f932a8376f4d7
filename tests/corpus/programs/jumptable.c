// Dense switch statements (compiled to jump tables) driving a tiny bytecode
// interpreter, and a state machine that classifies characters.
#include <stdio.h>

enum op { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, PRINT, HALT, NOP, OVER, XOR, SHL };

static long interpret(const int *code, int *steps) {
  long stack[32];
  int sp = 0, pc = 0;
  *steps = 0;
  for (;;) {
    ++*steps;
    switch ((enum op)code[pc++]) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case SWAP: { long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } break;
    case JNZ: if (stack[--sp]) pc = code[pc]; else pc++; break;
    case DEC: stack[sp - 1]--; break;
    case PRINT: printf("  top=%ld\n", stack[sp - 1]); break;
    case HALT: return stack[sp - 1];
    case NOP: break;
    case OVER: stack[sp] = stack[sp - 2]; sp++; break;
    case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case SHL: sp--; stack[sp - 1] <<= stack[sp]; break;
    }
  }
}

enum cls { SPACE, DIGIT, ALPHA, PUNCT, OTHER };

static enum cls classify(unsigned char c) {
  switch (c) {
  case ' ': case '\t': case '\n': return SPACE;
  case '0': case '1': case '2': case '3': case '4':
  case '5': case '6': case '7': case '8': case '9': return DIGIT;
  case '.': case ',': case ';': case ':': case '!': case '?': return PUNCT;
  default: return (c | 32) >= 'a' && (c | 32) <= 'z' ? ALPHA : OTHER;
  }
}

int main(void) {
  // acc = 1; for (n = 20; n; n--) acc = (acc * 3 ^ n) + 5 - 5; -- stack: [acc n]
  const int code[] = {PUSH, 1, PUSH, 20,
                      /* loop @4 */ SWAP, PUSH, 3, MUL, OVER, XOR, PUSH, 5, ADD, PUSH, 5, SUB,
                      NOP, SWAP, DEC, DUP, JNZ, 4, SWAP, PRINT, HALT};
  int steps;
  long r = interpret(code, &steps);
  long acc = 1;
  for (int n = 20; n; n--)
    acc = acc * 3 ^ n;
  printf("interpreter=%ld reference=%ld steps=%d\n", r, acc, steps);
  const char *s = "Jump tables: 42 entries, 7 cases; done!\t~";
  int counts[5] = {0};
  for (const char *p = s; *p; p++)
    counts[classify((unsigned char)*p)]++;
  printf("space=%d digit=%d alpha=%d punct=%d other=%d\n", counts[SPACE], counts[DIGIT],
         counts[ALPHA], counts[PUNCT], counts[OTHER]);
  return r == acc ? 0 : 1;
}
