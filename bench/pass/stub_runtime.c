/* The runtime ABI the instrumented code needs, with nothing behind it: the
 * benchmark measures the cost of the checks, not of migrating. */
volatile int __xisa_poll;
static char __xisa_shadow[1 << 24];
__thread char *__xisa_ssp = __xisa_shadow + sizeof __xisa_shadow;
void __xisa_mig_point(void) {}
