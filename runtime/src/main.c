/* main: the program's real main runs on a runtime-owned stack above a
 * known base frame, with argv and envp copied off the kernel-made stack, so a
 * destination that has its own kernel stack can take over every frame. */
#include "rt.h"
#include "sys.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void rt_install_request_handler(void);

/* Copies a NULL-terminated string vector into one runtime mapping. */
static char **copy_vector(char **vec) {
  size_t count = 0, bytes = 0;
  for (; vec[count]; count++)
    bytes += strlen(vec[count]) + 1;
  size_t size = (count + 1) * sizeof(char *) + bytes;
  char **out = rt_mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  if (rt_mmap_failed(out))
    return vec;
  char *text = (char *)(out + count + 1);
  for (size_t i = 0; i < count; i++) {
    size_t n = strlen(vec[i]) + 1;
    memcpy(text, vec[i], n);
    out[i] = text;
    text += n;
  }
  out[count] = 0;
  return out;
}

static int find_exe_path(void) {
  long n = rt_syscall4(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", rt.exe_path,
                       sizeof rt.exe_path - 1);
  if (n < 0)
    return -1;
  rt.exe_path[n] = 0;
  return 0;
}

int main(int argc, char **argv, char **envp) {
  int marker;
  rt.kstack_addr = (uint64_t)&marker;
  rt_read_config();
  memcpy(__xisa_park_area.magic, XISA_PARK_MAGIC, sizeof __xisa_park_area.magic);
  __xisa_park_area.version = XISA_WIRE_VERSION;
  __xisa_park_area.isa = rt_wire_isa();
  long tid = rt_gettid();
  rt.tid_offset = rt_find_tid_offset(rt_thread_pointer(), tid);

  find_exe_path();
  const char *restore_fd = getenv("XISA_RESTORE_FD");
  if (restore_fd && *restore_fd) {
    rt_restore_from(rt_parse_fd(restore_fd));
    /* The stream was rejected before anything changed: the message says why. */
    return 125;
  }

  rt.scratch_size = 1u << 20;
  rt.scratch = rt_map_scratch(rt.scratch_size);
  if (!rt.scratch) {
    rt_message("cannot map the runtime's scratch buffer", "", "");
    return 125;
  }
  struct xisa_thread *self = rt_map_slots() < 0 ? 0 : rt_claim_slot();
  if (!self || rt_alloc_stacks(self) < 0) {
    rt_message("cannot map the stacks for main; lower XISA_STACK_SIZE or XISA_SHADOW_SIZE", "", "");
    return 125;
  }
  self->tid = (uint32_t)tid;
  self->tid_addr = rt.tid_offset ? rt_thread_pointer() + (uint64_t)rt.tid_offset : 0;
  rt.argc = argc;
  rt.argv = copy_vector(argv);
  rt.envp = copy_vector(envp);
  environ = rt.envp;
  rt_install_request_handler();
  if (rt.config.ctl_fd >= 0)
    rt_index_call_sites();
  if (rt.points.counting) {
    rt.points.main = self;
    __xisa_poll = rt_poll_at_rest();
  }
  rt_self = self;
  __xisa_ssp = (char *)self->shadow_hi;
  __xisa_start_main(rt.argc, rt.argv, rt.envp, (void *)self->stack_hi, &self->base_frame);
}
