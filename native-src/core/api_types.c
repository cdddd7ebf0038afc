/* api_types.c - the public questions about tensor types, answered from the traits. */
#include "quants/quants.h"

int32_t jm_type_block_size(int32_t type) {
    const jm_type_traits *t = jm_type_traits_get(type);
    return t ? t->block_size : 0;
}

int64_t jm_type_block_bytes(int32_t type) {
    const jm_type_traits *t = jm_type_traits_get(type);
    return t ? t->type_size : 0;
}

int32_t jm_type_can_compute(int32_t type) {
    const jm_type_traits *t = jm_type_traits_get(type);
    /* activation-only formats (Q8_1, Q8_K) have no dot product of their own */
    return t && t->vec_dot_scalar && type != JM_TYPE_Q8_1 && type != JM_TYPE_Q8_K;
}

int64_t jm_row_size(int32_t type, int64_t n) {
    const jm_type_traits *t = jm_type_traits_get(type);
    if (!t || n < 0 || n % t->block_size != 0) return -1;
    return n / t->block_size * t->type_size;
}
