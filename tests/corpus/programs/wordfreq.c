// Reads text from stdin and reports lines, words, bytes and the most
// frequent words (ties broken alphabetically). Exit status 4 on empty input.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// corpus-stdin: wordfreq.stdin

struct entry {
  char *word;
  int count;
};

static struct entry *table;
static size_t table_len, table_cap;

static void count_word(const char *w) {
  for (size_t i = 0; i < table_len; i++)
    if (strcmp(table[i].word, w) == 0) {
      table[i].count++;
      return;
    }
  if (table_len == table_cap) {
    table_cap = table_cap ? table_cap * 2 : 16;
    table = realloc(table, table_cap * sizeof *table);
    if (!table)
      exit(3);
  }
  table[table_len].word = strdup(w);
  table[table_len++].count = 1;
}

static int by_count(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  if (x->count != y->count)
    return y->count - x->count;
  return strcmp(x->word, y->word);
}

int main(void) {
  long lines = 0, words = 0, bytes = 0;
  char word[64];
  size_t wlen = 0;
  int c;
  while ((c = getchar()) != EOF) {
    bytes++;
    if (c == '\n')
      lines++;
    if (isalpha(c) || c == '\'') {
      if (wlen + 1 < sizeof word)
        word[wlen++] = (char)tolower(c);
    } else if (wlen) {
      word[wlen] = 0;
      count_word(word);
      words++;
      wlen = 0;
    }
  }
  if (wlen) {
    word[wlen] = 0;
    count_word(word);
    words++;
  }
  if (bytes == 0) {
    fprintf(stderr, "wordfreq: no input on stdin\n");
    return 4;
  }
  qsort(table, table_len, sizeof *table, by_count);
  printf("lines=%ld words=%ld bytes=%ld distinct=%zu\n", lines, words, bytes, table_len);
  for (size_t i = 0; i < table_len && i < 8; i++)
    printf("%6d %s\n", table[i].count, table[i].word);
  for (size_t i = 0; i < table_len; i++)
    free(table[i].word);
  free(table);
  return 0;
}
