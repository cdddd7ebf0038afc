/*
 * cpu_weights.c - a model's weights in the CPU's form. Where the CPU and
 * the model's cpu_features_mask pick gemm kernels that read a packed
 * layout (AVX-512 VNNI: 16-row groups, AVX2: 8-row ones), the big Q4_0,
 * Q8_0 and K-quant matrices get a copy in it (kernels/gemm_pack.c): a
 * decode step then streams each matrix once, in order, with a third of
 * the instructions. When the caller says the weights are a read-only file
 * mapping, the source pages are dropped from the process (MADV_DONTNEED:
 * the page cache keeps them, a later read faults them back in), so the
 * model stays at about the file's size in memory. Without memory for a
 * copy the plain layout serves.
 */
#include <stdint.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif
#include "backend/backend.h"
#include "core/error.h"
#include "core/platform.h"
#include "ops.h"

static void release_pages(const jm_model *m, const void *data, int64_t nbytes) {
#if defined(__linux__) && defined(MADV_DONTNEED)
    if (!m->p.weights_file_mapped) return; /* on anonymous memory DONTNEED would zero it */
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t lo = ((uintptr_t)data + page - 1) & ~(page - 1);
    const uintptr_t hi = ((uintptr_t)data + (uintptr_t)nbytes) & ~(page - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_DONTNEED); /* a hint: failure changes nothing */
#else
    (void)m;
    (void)data;
    (void)nbytes;
#endif
}

static void pack_matrix(const jm_model *m, jm_tensor *t, int lanes) {
    if (jm_tensor_pack(t, lanes) > 0) release_pages(m, t->data, t->nbytes);
}

jm_status jm_cpu_prepare_model(jm_model *m, jm_error *err) {
    const int lanes = jm_gemm_pack_lanes(jm_cpu_features() & m->p.cpu_features_mask);
    if (!lanes) return jm_ok(err);
    for (int32_t il = 0; il < m->p.n_layer; il++) {
        pack_matrix(m, &m->layers[il].t[JM_TENSOR_SSM_IN], lanes);
        pack_matrix(m, &m->layers[il].t[JM_TENSOR_SSM_OUT], lanes);
    }
    /* a tied output is the embedding, whose rows are also read as they are */
    if (m->global[JM_TENSOR_OUTPUT].data) pack_matrix(m, &m->global[JM_TENSOR_OUTPUT], lanes);
    return jm_ok(err);
}

void jm_cpu_release_model(jm_model *m) {
    for (int32_t il = 0; il < m->p.n_layer; il++)
        for (int32_t role = 0; role < JM_TENSOR_ROLE_COUNT; role++) jm_aligned_free(m->layers[il].t[role].packed);
    for (int32_t role = 0; role < JM_TENSOR_ROLE_COUNT; role++) jm_aligned_free(m->global[role].packed);
}
