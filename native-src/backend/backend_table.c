/*
 * backend_table.c - the backends this build has, the default first.
 * Another backend is its own folder beside cpu/ that defines a jm_backend,
 * plus its entry here (and its sources in CMakeLists.txt).
 */
#include <string.h>
#include "backend.h"
#include "core/error.h"

extern const jm_backend jm_backend_cpu; /* cpu/cpu_backend.c */

static const jm_backend *const BACKENDS[] = {
    &jm_backend_cpu,
};

enum { N_BACKENDS = sizeof BACKENDS / sizeof BACKENDS[0] };

int32_t jm_backend_count(void) { return N_BACKENDS; }

const char *jm_backend_name(int32_t i) { return i >= 0 && i < N_BACKENDS ? BACKENDS[i]->name : NULL; }

jm_status jm_backend_find(const char *name, const jm_backend **out, jm_error *err) {
    *out = NULL;
    if (!name) {
        *out = BACKENDS[0];
        return JM_OK;
    }
    char have[128] = "";
    for (int i = 0; i < N_BACKENDS; i++) {
        if (strcmp(BACKENDS[i]->name, name) == 0) {
            *out = BACKENDS[i];
            return JM_OK;
        }
        if (i > 0) strncat(have, ", ", sizeof have - strlen(have) - 1);
        strncat(have, BACKENDS[i]->name, sizeof have - strlen(have) - 1);
    }
    return jm_fail(err, JM_ERR_UNSUPPORTED, "backend '%.64s' is not in this build (it has: %s)", name, have);
}
