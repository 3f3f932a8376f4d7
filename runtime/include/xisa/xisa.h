/* Public API of the xisa runtime, for programs built with xisa-cc. */
#ifndef XISA_XISA_H
#define XISA_XISA_H

#ifdef __cplusplus
extern "C" {
#endif

/* Asks for a migration from inside the program, like the supervisor's
 * signal does: every thread parks at its next migration point. Returns at
 * once; the migration happens when the supervisor answers. */
void xisa_request_migration(void);

#ifdef __cplusplus
}
#endif

#endif
