/* The wire stream between a parked process and the host tools, and the park
 * area an outside tool (CRIU path) finds through the symbol __xisa_park_area.
 * Plain C, shared by the in-process runtime and the C++ host tools.
 *
 * Stream layout (all little-endian, every ISA xisa supports is LP64 LE):
 *   struct xisa_wire_header
 *   struct xisa_thread      [header.nr_threads]
 *   struct xisa_sigaction   [header.nr_sigactions]
 *   struct xisa_region      [header.nr_regions]
 *   contents of every region with XISA_REGION_CONTENTS, in table order:
 *     a bitmap of the region's pages (bit i = page i follows; one byte per 8
 *     pages, padded to 8 bytes), then the pages whose bit is set; pages left
 *     out are zero
 *   struct xisa_wire_trailer
 */
#ifndef XISA_WIRE_H
#define XISA_WIRE_H

#include <stdint.h>

#define XISA_WIRE_MAGIC "XISAWIR1"
#define XISA_WIRE_TRAILER_MAGIC "XISAEND1"
#define XISA_WIRE_VERSION 2u
#define XISA_PARK_MAGIC "XISAPRK2"
#define XISA_MAX_THREADS 64u
#define XISA_PATH_MAX 256u
/* Every mapping a migratable program keeps lies below this address (64 TiB),
 * which all three ISAs map (x86_64 and ppc64le give user space 128 TiB,
 * aarch64 with 48-bit VAs 256 TiB) and which xisa tells qemu-user to reserve
 * for its guest (-R): a guest's own mmaps then stay clear of qemu's host
 * mappings at the top of the address space, where another ISA's qemu has
 * its libraries. Each process's kernel-made stack, vdso and vvar are its
 * own and exempt. */
#define XISA_ADDRESS_LIMIT 0x400000000000ull

/* Same order as xisa::Isa (compiler/support/isa.h), plus one so that zero
 * means "unset". */
enum xisa_wire_isa {
  XISA_WIRE_X86_64 = 1,
  XISA_WIRE_AARCH64 = 2,
  XISA_WIRE_PPC64LE = 3,
};

/* Register state of a thread parked in __xisa_mig_point, as the caller sees
 * it right after the call returns. Only registers the ABI preserves across a
 * call are meaningful; the rest are zero.
 *   pc: return address of the __xisa_mig_point call.
 *   sp: stack pointer after the return (x86-64: above the return address).
 *   gpr: by DWARF number, the stack pointer's slot holding sp too. x86-64: 0..15 (rbx=3, rbp=6, r12..r15=12..15);
 *        aarch64: x0..x30 (x19..x29, x30 = lr = pc); ppc64le: r0..r31
 *        (r2 TOC, r13 thread pointer, r14..r31).
 *   fpr: aarch64 d0..d31 (d8..d15 saved), ppc64le f0..f31 (f14..f31 saved).
 *   vr:  x86-64 xmm0..15 (none saved by the SysV ABI), ppc64le v0..v31
 *        (v20..v31 saved); aarch64 unused (the ABI saves only d8..d15).
 *   ctl: x86-64 mxcsr | x87 control word << 32; aarch64 fpcr;
 *        ppc64le cr (fields 2..4 saved).
 *   tp:  thread pointer: x86-64 fs base, aarch64 tpidr_el0, ppc64le r13. */
struct xisa_regs {
  uint64_t pc;
  uint64_t sp;
  uint64_t tp;
  uint64_t ctl;
  uint64_t gpr[32];
  uint64_t fpr[32];
  uint8_t vr[32][16];
};

enum xisa_thread_state {
  XISA_THREAD_FREE = 0,
  XISA_THREAD_RUNNING = 1,
  XISA_THREAD_PARKED = 2,
};

/* One registered thread. The stacks are the runtime-owned ones: every frame
 * to transform lies in [stack_lo, base_frame], every shadow frame in
 * [shadow_lo, shadow_hi). */
struct xisa_thread {
  uint32_t tid;
  uint32_t state;      /* enum xisa_thread_state */
  uint64_t sigmask;    /* blocked signals when parked */
  uint64_t stack_lo, stack_hi;
  uint64_t shadow_lo, shadow_hi;
  uint64_t base_frame; /* frame address of the runtime's base frame */
  uint64_t tid_addr;   /* address of musl's copy of the tid (fixed on restore) */
  uint64_t site;       /* point of the stackmap record of the call site it parked at (an
                        * address of this ISA's build; the host tools name the record
                        * by its id, from the executable file), 0 if none */
  struct xisa_regs regs;
};

/* A thread made by the runtime's pthread_create runs on a mapping of the
 * runtime's whose top XISA_THREAD_ROOM_SIZE bytes, above musl's thread data
 * (descriptor, TLS, dtv, thread-specific data), stay free for the transformer
 * to lay that data out for another ISA; the mapping's last bytes are this
 * tag, which marks the room as the runtime's. In every program the main
 * thread's data moves into such a mapping at start-up. */
#define XISA_THREAD_ROOM_MAGIC "XISAROOM"
#define XISA_THREAD_ROOM_SIZE 4096u
struct xisa_thread_room_tag {
  char magic[8];
  uint64_t size; /* bytes of room, the tag included */
};

/* A signal disposition the kernel holds (not in memory), restored as is.
 * Handler and restorer addresses are symbols, the same on every ISA. */
struct xisa_sigaction {
  uint32_t signo;
  uint32_t pad;
  uint64_t handler;
  uint64_t flags;
  uint64_t restorer;
  uint64_t mask;
};

/* Parked threads keep their records here; a tool that dumps the process
 * (CRIU) reads it by symbol. The leader also copies the state the kernel
 * holds (signal dispositions, clear-child-tid) here before it streams, so a
 * memory dump carries everything the wire stream does. The thread slots
 * are a private mapping of the runtime's (`threads`), made at start-up:
 * in the executable's .bss they would add 70 KB to every program's loaded
 * size; the kernel gives the mapping pages only as slots are used. */
struct xisa_park_area {
  char magic[8];
  uint32_t version;
  uint32_t isa;            /* enum xisa_wire_isa */
  volatile uint32_t nr_running; /* registered threads */
  volatile uint32_t nr_parked;
  uint32_t nr_slots;       /* slots in use: [0, nr_slots) */
  uint32_t pad;
  uint64_t clear_child_tid;
  uint32_t nr_sigactions;
  uint32_t pad2;
  struct xisa_sigaction sigaction[64];
  uint64_t threads; /* address of struct xisa_thread[XISA_MAX_THREADS] */
};

/* The jmp_bufs that setjmp and sigsetjmp filled. A jmp_buf holds the
 * registers of one ISA in musl's layout for it, so a move to another ISA
 * rewrites every buffer whose frame is still on a stack. The pass routes
 * the program's calls of setjmp, _setjmp and sigsetjmp through the
 * runtime's __xisa_setjmp and __xisa_sigsetjmp, which note the buffer here
 * and go on into musl's. An outside tool finds the table through the symbol
 * __xisa_jmp_bufs, which only programs that call setjmp have. */
#define XISA_JMP_BUFS_MAGIC "XISAJMP1"
#define XISA_MAX_JMP_BUFS 128u
struct xisa_jmp_buf_entry {
  uint64_t buf; /* address of the jmp_buf */
  uint64_t sp;  /* the caller's stack pointer after setjmp returns */
};
struct xisa_jmp_bufs {
  char magic[8];           /* written by the first setjmp */
  uint32_t nr;             /* entries in use: [0, nr) */
  uint32_t lost;           /* nonzero once a buffer found no free entry */
  uint64_t lock;           /* the noting thread's slot, 0 when free */
  struct xisa_jmp_buf_entry entry[XISA_MAX_JMP_BUFS];
};

struct xisa_wire_header {
  char magic[8];           /* XISA_WIRE_MAGIC */
  uint32_t version;        /* XISA_WIRE_VERSION */
  uint32_t isa;            /* enum xisa_wire_isa */
  uint8_t build_id[16];    /* .xisa.info build id, zero when unknown */
  uint32_t nr_threads;
  uint32_t nr_sigactions;
  uint32_t nr_regions;
  uint32_t pad;
  uint64_t brk;            /* current program break */
  uint64_t clear_child_tid;/* the kernel's clear-child-tid address of the main thread */
  uint64_t page_size;      /* unit of the content bitmaps */
  uint64_t contents_bytes; /* sum of data_bytes over all regions */
  uint64_t points_passed;  /* migration points the main thread passed when it parked; 0 unless counted */
};

enum xisa_region_flags {
  XISA_REGION_CONTENTS = 1u << 0, /* contents follow in the stream */
  XISA_REGION_EXE = 1u << 1,      /* mapped from the executable */
  XISA_REGION_HEAP = 1u << 2,     /* the brk heap */
  XISA_REGION_KSTACK = 1u << 3,   /* the kernel-made stack; the destination has its own */
  XISA_REGION_KERNEL = 1u << 4,   /* vdso, vvar, vsyscall: the destination has its own */
  XISA_REGION_RTSTACK = 1u << 5,  /* a runtime-owned native or shadow stack */
  XISA_REGION_SHARED = 1u << 6,   /* MAP_SHARED in the source */
};

enum xisa_region_prot {
  XISA_PROT_READ = 1u,
  XISA_PROT_WRITE = 2u,
  XISA_PROT_EXEC = 4u,
};

struct xisa_region {
  uint64_t start, end;     /* page aligned */
  uint64_t offset;         /* file offset of a file mapping */
  uint32_t prot;           /* enum xisa_region_prot */
  uint32_t flags;          /* enum xisa_region_flags */
  uint64_t data_bytes;     /* bytes of bitmap and pages that follow, 0 without contents */
  char path[XISA_PATH_MAX];/* as /proc/self/maps shows it, truncated */
};

struct xisa_wire_trailer {
  char magic[8];           /* XISA_WIRE_TRAILER_MAGIC */
  uint64_t contents_bytes; /* again, to catch a short stream */
};

/* Bytes of the page bitmap of a region of `pages` pages. */
#define XISA_BITMAP_BYTES(pages) ((((pages) + 63u) / 64u) * 8u)

/* One byte the supervisor sends on the control fd after it read a stream. */
#define XISA_VERDICT_RESUME 'R'
#define XISA_VERDICT_EXIT 'X'
/* One byte a restored process sends on its control fd once it runs. */
#define XISA_RESTORED_ACK 'K'

#endif
