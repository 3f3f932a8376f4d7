/* Migration points written by hand, as the pass emits them (docs/design.md),
 * so the runtime is tested on its own, with or without the pass. */
#ifndef XISA_TEST_MIGRATION_POINTS_H
#define XISA_TEST_MIGRATION_POINTS_H
#include <stdint.h>

extern volatile int32_t __xisa_poll;
void __xisa_mig_point(void);

#define MIGRATION_POINT()                                                                          \
  do {                                                                                             \
    if (__builtin_expect(__xisa_poll, 0))                                                          \
      __xisa_mig_point();                                                                          \
  } while (0)
#endif
