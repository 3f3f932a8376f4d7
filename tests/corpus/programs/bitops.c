// Integer semantics that must not vary by ISA: 64-bit wrap-around, shifts,
// rotations, bit-counting builtins, signed division and remainder, explicit
// signed/unsigned char (plain char differs between ISAs, so it is avoided),
// and endian-sensitive byte access (all three ISAs are little-endian).
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// xoshiro256** step
static uint64_t s[4] = {1, 2, 3, 4};
static uint64_t next(void) {
  uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

int main(void) {
  uint64_t acc = 0;
  unsigned pop = 0, lz = 0, tz = 0;
  for (int i = 0; i < 100000; i++) {
    uint64_t v = next();
    acc ^= v + (acc << 3);
    pop += (unsigned)__builtin_popcountll(v);
    lz += v ? (unsigned)__builtin_clzll(v) : 64;
    tz += v ? (unsigned)__builtin_ctzll(v) : 64;
  }
  printf("acc=%016llx pop=%u clz=%u ctz=%u\n", (unsigned long long)acc, pop, lz, tz);
  volatile int32_t seven = 7, minus_two = -2;
  int32_t q[] = {-seven / 2, -seven % 2, seven / minus_two, seven % minus_two};
  printf("div: %d %d %d %d\n", q[0], q[1], q[2], q[3]);
  signed char sc = (signed char)200;
  unsigned char uc = (unsigned char)-56;
  printf("chars: %d %u %d\n", sc, uc, sc == (signed char)uc);
  uint32_t word = 0x11223344;
  unsigned char bytes[4];
  memcpy(bytes, &word, 4);
  printf("bytes: %02x %02x %02x %02x\n", bytes[0], bytes[1], bytes[2], bytes[3]);
  int64_t neg = -1;
  printf("shifts: %lld %llu %u\n", (long long)(neg >> 10), (unsigned long long)((uint64_t)neg >> 60),
         (uint32_t)1 << 31);
  uint32_t sat = UINT32_MAX;
  sat += 2;
  printf("wrap: %u %d\n", sat, (int)(int16_t)40000);
  return bytes[0] == 0x44 && q[1] == -1 ? 0 : 1;
}
