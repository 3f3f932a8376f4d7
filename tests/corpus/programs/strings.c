// String constants and string processing: tokenizing, searching, reversing,
// case mapping, formatting into buffers, and sorting words.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char text[] =
    "It was the best of times, it was the worst of times, it was the age of wisdom, "
    "it was the age of foolishness, it was the epoch of belief, it was the epoch of "
    "incredulity, it was the season of Light, it was the season of Darkness.";

static const char *const greetings[] = {"hello", "bonjour", "hola", "ciao", "hallo", "ola"};

static void reverse(char *s) {
  for (size_t i = 0, j = strlen(s); i + 1 < j; i++, j--) {
    char t = s[i];
    s[i] = s[j - 1];
    s[j - 1] = t;
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t count_occurrences(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
    n++;
  return n;
}

int main(void) {
  char copy[sizeof text];
  memcpy(copy, text, sizeof text);
  char *words[64];
  int nwords = 0;
  for (char *tok = strtok(copy, " ,."); tok && nwords < 64; tok = strtok(NULL, " ,."))
    words[nwords++] = tok;
  for (int i = 0; i < nwords; i++)
    for (char *c = words[i]; *c; c++)
      *c = (char)tolower((unsigned char)*c);
  qsort(words, (size_t)nwords, sizeof words[0], cmp_str);
  int distinct = 0;
  for (int i = 0; i < nwords; i++)
    if (i == 0 || strcmp(words[i], words[i - 1]) != 0)
      printf("%s%s", distinct++ ? " " : "", words[i]);
  printf("\nwords=%d distinct=%d\n", nwords, distinct);
  printf("'it was'=%zu 'of'=%zu 'zebra'=%zu\n", count_occurrences(text, "it was"),
         count_occurrences(text, "of"), count_occurrences(text, "zebra"));

  char buf[160] = "";
  for (size_t i = 0; i < sizeof greetings / sizeof greetings[0]; i++) {
    char g[16];
    snprintf(g, sizeof g, "%s", greetings[i]);
    reverse(g);
    g[0] = (char)toupper((unsigned char)g[0]);
    strncat(buf, g, sizeof buf - strlen(buf) - 1);
    strncat(buf, i + 1 < sizeof greetings / sizeof greetings[0] ? "-" : "", sizeof buf - strlen(buf) - 1);
  }
  printf("%s (%zu)\n", buf, strlen(buf));
  const char *dot = strrchr(text, '.'), *light = strchr(text, 'L');
  printf("last dot at %td, 'L' at %td, span=%zu, cspan=%zu\n", dot - text, light - text,
         strspn("aaabbbccc", "ab"), strcspn(text, ","));
  char num[32];
  long parsed = strtol("  -12345xyz", NULL, 10);
  snprintf(num, sizeof num, "%08.3f|%-6d|%+d", 3.14159, 42, parsed > 0);
  printf("%s parsed=%ld hex=%lx\n", num, parsed, strtoul("ff00", NULL, 16));
  return strcmp(buf, "Olleh-Ruojnob-Aloh-Oaic-Ollah-Alo") == 0 ? 0 : 1;
}
