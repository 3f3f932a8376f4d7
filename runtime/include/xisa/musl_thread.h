/* musl 1.2.3's thread descriptor (struct pthread) and the thread data around
 * it, as the runtime lays them out and the transformer moves them between
 * ISAs. Checked on this machine by a probe program on all three ISAs:
 * sizeof(struct pthread) = 200 everywhere.
 *   x86-64 (TLS variant II): TP = self; the TLS block ends at self.
 *   aarch64 (TLS_ABOVE_TP): TP = self + 200; TLS at TP + 16 (aligned).
 *   ppc64le (TLS_ABOVE_TP): TP = self + 200 + 0x7000; TLS at self + 200;
 *     dtv entries are biased by 0x8000. */
#ifndef XISA_MUSL_THREAD_H
#define XISA_MUSL_THREAD_H

#include <stdint.h>

#define XISA_MUSL_PTHREAD_SIZE 200u
/* The implementation-defined middle of struct pthread (tid .. stdio_locks),
 * the same on every ISA since all are LP64, and offsets inside it. */
#define XISA_MUSL_PART2_SIZE 152u
#define XISA_MUSL_MAP_BASE_IN_PART2 24u /* what pthread_join / a detached exit unmap */
#define XISA_MUSL_MAP_SIZE_IN_PART2 32u
#define XISA_MUSL_TSD_IN_PART2 80u
#define XISA_MUSL_ROBUST_HEAD_IN_PART2 88u /* robust_list.head, which points at itself */
/* The thread-specific data array (PTHREAD_KEYS_MAX pointers). */
#define XISA_MUSL_TSD_SIZE (128u * 8u)
/* The dtv of a static program: its count, 1, and the one module's block. */
#define XISA_MUSL_DTV_SIZE 16u

/* Offsets of the ABI fields in the descriptor, per ISA. */
struct xisa_musl_layout {
  uint32_t prev, next, sysinfo, canary, dtv, part2;
  uint32_t tp_from_self; /* TP - self */
  uint32_t dtv_bias;     /* DTP_OFFSET: dtv[i] = TLS block + bias */
};
#define XISA_MUSL_LAYOUT_X86_64 {16, 24, 32, 40, 8, 48, 0, 0}
#define XISA_MUSL_LAYOUT_AARCH64 {8, 16, 24, 184, 192, 32, 200, 0}
#define XISA_MUSL_LAYOUT_PPC64LE {8, 16, 24, 184, 192, 32, 200 + 0x7000, 0x8000}

/* musl's record of the program's TLS segment (struct tls_module) and the
 * start of its process-wide state (struct __libc, src/internal/libc.h).
 * musl's start-up fills them for the ISA it runs on (__init_tls: where the
 * block lies from the thread pointer, how much a new thread's area takes),
 * so a process moved to another ISA takes the destination's. */
struct xisa_musl_tls_module {
  uint64_t next, image, len, size, align, offset;
};
struct xisa_musl_libc {
  char can_do_threads, threaded, secure;
  signed char need_locks;
  int32_t threads_minus_1;
  uint64_t auxv; /* the kernel-made stack's auxiliary vector */
  uint64_t tls_head; /* -> struct xisa_musl_tls_module */
  uint64_t tls_size, tls_align, tls_cnt, page_size;
};

#endif
