/* Raw system calls. The restore path overwrites libc's data, so from then on
 * nothing may go through libc; the rest of the runtime uses these too so that
 * it never touches errno of a thread in an unknown state. Return -errno on
 * failure, like the kernel. */
#ifndef XISA_RT_SYS_H
#define XISA_RT_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

static inline long rt_syscall6(long n, long a, long b, long c, long d, long e, long f) {
#if defined(__x86_64__)
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory", "cc");
  return x0;
#elif defined(__powerpc64__)
  register long r0 __asm__("r0") = n;
  register long r3 __asm__("r3") = a;
  register long r4 __asm__("r4") = b;
  register long r5 __asm__("r5") = c;
  register long r6 __asm__("r6") = d;
  register long r7 __asm__("r7") = e;
  register long r8 __asm__("r8") = f;
  /* The kernel flags an error in cr0.SO and returns a positive errno. */
  __asm__ volatile("sc\n\tbns+ 1f\n\tneg %1, %1\n1:"
                   : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8)
                   :
                   : "memory", "cr0", "r9", "r10", "r11", "r12", "ctr", "xer");
  return r3;
#else
#error "the xisa runtime supports x86_64, aarch64 and ppc64le"
#endif
}

#define rt_syscall0(n) rt_syscall6(n, 0, 0, 0, 0, 0, 0)
#define rt_syscall1(n, a) rt_syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define rt_syscall2(n, a, b) rt_syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define rt_syscall3(n, a, b, c) rt_syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define rt_syscall4(n, a, b, c, d) rt_syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

static inline long rt_read(int fd, void *buf, size_t len) { return rt_syscall3(SYS_read, fd, buf, len); }
static inline long rt_write(int fd, const void *buf, size_t len) { return rt_syscall3(SYS_write, fd, buf, len); }
static inline long rt_gettid(void) { return rt_syscall0(SYS_gettid); }
static inline void *rt_mmap(void *addr, size_t len, int prot, int flags) {
  return (void *)rt_syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, -1, 0);
}
static inline int rt_mmap_failed(void *p) { return (unsigned long)p > -4096UL; }
/* The kernel's struct sigaction, the same on the three ISAs. */
static inline long rt_sigaction(int signo, uint64_t handler, uint64_t flags, uint64_t restorer,
                                uint64_t mask) {
  uint64_t k[4] = {handler, flags, restorer, mask};
  return rt_syscall4(SYS_rt_sigaction, signo, k, 0, 8);
}
static inline __attribute__((noreturn)) void rt_exit_group(int code) {
  for (;;)
    rt_syscall1(SYS_exit_group, code);
}

/* Whole-buffer I/O on a possibly short-reading fd; 0 on success, -errno or
 * -1 for end of file. */
int rt_read_full(int fd, void *buf, size_t len);
int rt_write_full(int fd, const void *buf, size_t len);

/* The current thread pointer. */
static inline uint64_t rt_thread_pointer(void) {
  uint64_t tp;
#if defined(__x86_64__)
  __asm__("mov %%fs:0, %0" : "=r"(tp));
#elif defined(__aarch64__)
  __asm__("mrs %0, tpidr_el0" : "=r"(tp));
#else
  __asm__("mr %0, 13" : "=r"(tp));
#endif
  return tp;
}

#endif
