// Signal handlers: raise() delivers synchronously, the handler updates a
// volatile sig_atomic_t, sigaction with a mask, a blocked signal stays
// pending until unblocked, and an alarm-free timer made of raise() calls.
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t usr1_count, usr2_count, last_signal;

static void on_usr1(int sig) {
  usr1_count++;
  last_signal = sig;
}

static void on_usr2(int sig, siginfo_t *info, void *ctx) {
  (void)ctx;
  usr2_count += info->si_signo == sig ? 2 : 100;
  last_signal = sig;
}

int main(void) {
  if (signal(SIGUSR1, on_usr1) == SIG_ERR)
    return 2;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr2;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR1);
  if (sigaction(SIGUSR2, &sa, NULL) != 0)
    return 2;
  for (int i = 0; i < 10; i++)
    raise(i % 3 ? SIGUSR1 : SIGUSR2);
  printf("usr1=%d usr2=%d last=%s\n", (int)usr1_count, (int)usr2_count,
         last_signal == SIGUSR1 ? "USR1" : "USR2");

  sigset_t block, pending;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, NULL);
  raise(SIGUSR1);
  sigpending(&pending);
  int was_pending = sigismember(&pending, SIGUSR1), before = usr1_count;
  sigprocmask(SIG_UNBLOCK, &block, NULL);
  printf("blocked: pending=%d count before=%d after=%d\n", was_pending, before, (int)usr1_count);
  signal(SIGUSR1, SIG_IGN);
  raise(SIGUSR1);
  printf("ignored: count=%d\n", (int)usr1_count);
  return usr1_count == 7 && usr2_count == 8 && was_pending ? 0 : 1;
}
