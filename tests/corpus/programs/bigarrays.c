// Large static arrays: several MiB of zeroed .bss and initialized .data,
// read-only tables, and pointers into them stored in initialized data.
#include <stdint.h>
#include <stdio.h>

#define BSS_WORDS (6u << 20 >> 3)  // 6 MiB
#define DATA_WORDS (3u << 20 >> 2) // 3 MiB

static uint64_t zeroed[BSS_WORDS];
static uint32_t filled[DATA_WORDS] = {1, 2, 3, 4, 5, 6, 7, 8, [DATA_WORDS - 1] = 0xdeadbeef};
static const uint16_t squares[256] = {
#define S(i) (uint16_t)((i) * (i)),
#define S4(i) S(i) S(i + 1) S(i + 2) S(i + 3)
#define S16(i) S4(i) S4(i + 4) S4(i + 8) S4(i + 12)
    S16(0) S16(16) S16(32) S16(48) S16(64) S16(80) S16(96) S16(112)
    S16(128) S16(144) S16(160) S16(176) S16(192) S16(208) S16(224) S16(240)};
static uint32_t *const ends[] = {&filled[0], &filled[DATA_WORDS - 1]};
static uint64_t *middle = &zeroed[BSS_WORDS / 2];

int main(void) {
  for (uint32_t i = 0; i < BSS_WORDS; i++)
    if (zeroed[i] != 0)
      return 1;
  uint64_t sum = 0;
  for (uint32_t i = 0; i < DATA_WORDS; i++)
    sum += filled[i];
  printf("initial data sum=%llu last=%#x\n", (unsigned long long)sum, *ends[1]);
  for (uint32_t i = 0; i < BSS_WORDS; i++)
    zeroed[i] = (uint64_t)i * 2654435761u;
  for (uint32_t i = 8; i < DATA_WORDS; i++)
    filled[i] = filled[i - 8] * 31u + squares[i & 255];
  uint64_t h = 0;
  for (uint32_t i = 0; i < BSS_WORDS; i += 4097)
    h = h * 1099511628211u ^ zeroed[i];
  for (uint32_t i = 0; i < DATA_WORDS; i += 1021)
    h = h * 1099511628211u ^ filled[i];
  printf("hash=%016llx middle=%llu squares[255]=%u\n", (unsigned long long)h,
         (unsigned long long)*middle, squares[255]);
  return *middle == (uint64_t)(BSS_WORDS / 2) * 2654435761u && squares[255] == 65025 ? 0 : 2;
}
