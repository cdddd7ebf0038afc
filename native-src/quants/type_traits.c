/* type_traits.c - one lookup over both families of types. */
#include "quants.h"

const jm_type_traits *jm_type_traits_get(int32_t type) {
    if (type < 0 || type >= JM_TYPE_COUNT) return NULL;
    const jm_type_traits *t = jm_legacy_traits(type);
    return t ? t : jm_kquant_traits(type);
}
