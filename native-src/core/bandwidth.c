/*
 * bandwidth.c - how fast this machine streams memory into the cores, the
 * bound on decoding speed: each thread sums its share of a large buffer.
 */
#include <stdlib.h>
#include <string.h>
#include "core/context.h"
#include "core/error.h"
#include "core/platform.h"

#define PREFETCH_WORDS 512 /* 4 KiB ahead */

typedef struct read_job {
    const uint64_t *buf;
    int64_t         n;      /* 64-bit words */
    uint64_t        sums[64];
} read_job;

static void read_task(void *arg, int ith, int nth) {
    read_job *j = arg;
    int64_t lo, hi;
    jm_split(j->n / 16, ith, nth, &lo, &hi);
    /* xor has a one-cycle latency, so the loop is bound by the loads alone;
       the prefetch keeps enough lines in flight where the hardware
       prefetcher does not (some VMs), as the kernels' own prefetches do */
    uint64_t acc[16] = {0};
    for (int64_t i = lo * 16; i < hi * 16; i += 16) {
        __builtin_prefetch(j->buf + i + PREFETCH_WORDS);
        __builtin_prefetch(j->buf + i + PREFETCH_WORDS + 8);
        for (int k = 0; k < 16; k++) acc[k] ^= j->buf[i + k];
    }
    uint64_t s = 0;
    for (int k = 0; k < 16; k++) s ^= acc[k];
    j->sums[ith % 64] = s; /* keeps the loads from being optimised away */
}

jm_status jm_read_bandwidth(jm_context *ctx, int64_t bytes, int32_t reps, double *gb_per_s, jm_error *err) {
    if (!ctx || !gb_per_s) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_read_bandwidth: NULL argument");
    if (bytes < (1 << 20) || bytes > ((int64_t)1 << 40) || reps < 1)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_read_bandwidth: %lld bytes x %d reps is out of range",
                       (long long)bytes, reps);
    uint64_t *buf = jm_aligned_alloc(2 << 20, (size_t)bytes);
    if (!buf)
        return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "jm_read_bandwidth: cannot allocate %lld bytes", (long long)bytes);
    /* in 2 MiB pages, as the model's packed weights are: TLB misses are not the memory's speed */
    jm_advise_huge_pages(buf, (size_t)bytes);
    memset(buf, 1, (size_t)bytes); /* fault every page in before timing */
    read_job j = { .buf = buf, .n = bytes / (int64_t)sizeof(uint64_t) };
    double best = 0;
    for (int32_t r = 0; r < reps; r++) {
        double t0 = jm_seconds();
        jm_pool_run(ctx->pool, read_task, &j);
        double rate = (double)(j.n / 16 * 16 * sizeof(uint64_t)) / (jm_seconds() - t0) / 1e9;
        if (rate > best) best = rate;
    }
    jm_aligned_free(buf);
    *gb_per_s = best;
    return jm_ok(err);
}
