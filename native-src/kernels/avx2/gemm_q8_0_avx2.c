/*
 * gemm_q8_0_avx2.c - tiled Q8_0 weights x Q8_0 activations, AVX2 (the
 * scheme is in gemm_legacy_avx2.h). pmaddubsw takes |w| as its unsigned
 * operand and y with w's sign; a product pair fits int16 as long as the
 * activations are in -127..127, as every Q8 quantizer writes them (the
 * single-dot kernels assume the same), so each pair goes to int32 at once.
 */
#include "gemm_legacy_avx2.h"

enum { BX = sizeof(jm_block_q8_0) };

/* w[k] = |weights 4k..4k+3|, w[8 + k] = the weights. */
static inline void q8_0_build(const jm_gemm2_rows *g, int64_t b, __m256i w[16]) {
    jm_gemm2_quants(w + 8, g, b, BX, 8);
    for (int k = 0; k < 8; k++) w[k] = _mm256_abs_epi8(w[8 + k]);
}

static inline __m256i q8_0_dot(const __m256i w[16], const uint8_t *yq) {
    __m256i s = _mm256_setzero_si256();
    for (int k = 0; k < 8; k++) {
        const __m256i y = _mm256_sign_epi8(_mm256_set1_epi32((int)jm_rd32(yq + 4 * k)), w[8 + k]);
#if defined(__AVXVNNI__)
        s = _mm256_dpbusd_avx_epi32(s, w[k], y); /* AVX-VNNI: one step, no int16 pairs */
#else
        s = _mm256_add_epi32(s, _mm256_madd_epi16(_mm256_maddubs_epi16(w[k], y), _mm256_set1_epi16(1)));
#endif
    }
    return s;
}

#define GEMM_BX BX
#define GEMM_NAME JM_AVX2_KERNEL(jm_gemm_q8_0)
#define GEMM_Q81 0
#define GEMM_OFF 0
#define GEMM_NW 16
#define GEMM_PACK_NQ 8
#define GEMM_BUILD(g, b, out) q8_0_build(g, b, (out)->w)
#define GEMM_DOT(wb, yq) q8_0_dot((wb)->w, yq)
#include "gemm_legacy_avx2.h"
