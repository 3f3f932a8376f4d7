/* xisa-cc's <setjmp.h>, found before musl's: musl's declarations, with
 * jmp_buf (and sigjmp_buf) of one size and alignment on every ISA, the
 * largest (ppc64le's), so a struct or frame holding one has the same layout
 * everywhere and migrates, and every buffer has room for the layout a move
 * writes (docs/design.md, "jmp_bufs"). Each ISA's musl still finds its own
 * fields at their own offsets: the room only follows them. */
#ifndef _SETJMP_H
#define _SETJMP_H

#ifdef __cplusplus
extern "C" {
#endif

#include <features.h>

#include <bits/setjmp.h>

/* sizeof musl's jmp_buf on ppc64le: 32 16-byte registers, __fl, __ss. */
#define __XISA_JMP_BUF_SIZE 656

typedef struct __jmp_buf_tag {
	__jmp_buf __jb;
	unsigned long __fl;
	unsigned long __ss[128/sizeof(long)];
	unsigned char __xisa_room[__XISA_JMP_BUF_SIZE
		- sizeof(__jmp_buf) - sizeof(unsigned long) - 128];
} __attribute__((__aligned__(16))) jmp_buf[1];

#if __GNUC__ > 4 || (__GNUC__ == 4 && __GNUC_MINOR__ >= 1)
#define __setjmp_attr __attribute__((__returns_twice__))
#else
#define __setjmp_attr
#endif

#if defined(_POSIX_SOURCE) || defined(_POSIX_C_SOURCE) \
 || defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE) \
 || defined(_BSD_SOURCE)
typedef jmp_buf sigjmp_buf;
int sigsetjmp (sigjmp_buf, int) __setjmp_attr;
_Noreturn void siglongjmp (sigjmp_buf, int);
#endif

#if defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE) \
 || defined(_BSD_SOURCE)
int _setjmp (jmp_buf) __setjmp_attr;
_Noreturn void _longjmp (jmp_buf, int);
#endif

int setjmp (jmp_buf) __setjmp_attr;
_Noreturn void longjmp (jmp_buf, int);

#define setjmp setjmp

#undef __setjmp_attr

#ifdef __cplusplus
}
#endif

#endif
