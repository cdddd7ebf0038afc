/* PLACEHOLDER until the K-quant family lands: knows no types. */
#include "quants.h"
#include "../kernels/kernels.h"
const jm_type_traits *jm_kquant_traits(int32_t type) { (void)type; return NULL; }
void jm_kernels_init_kquants(jm_kernels *k, int32_t level, uint32_t features) { (void)k; (void)level; (void)features; }
