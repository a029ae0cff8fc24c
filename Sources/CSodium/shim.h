#ifndef SENIM_CSODIUM_SHIM_H
#define SENIM_CSODIUM_SHIM_H
#include <sodium.h>

#ifdef __linux__
#include <sys/prctl.h>
/// prctl is variadic and cannot be called from Swift: this wraps the one call Senim makes.
static inline int senim_set_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }
#else
static inline int senim_set_not_dumpable(void) { return 0; }
#endif

#endif
