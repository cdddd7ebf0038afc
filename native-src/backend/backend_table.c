/*
 * backend_table.c - the backends this build has, the default first.
 * Another backend is its own folder beside cpu/ that defines a jm_backend,
 * plus its entry here (and its sources in CMakeLists.txt).
 */
#include "backend.h"

extern const jm_backend jm_backend_cpu; /* cpu/cpu_backend.c */

static const jm_backend *const BACKENDS[] = {
    &jm_backend_cpu,
};

const jm_backend *jm_backend_default(void) { return BACKENDS[0]; }
