/*
 * threadpool.h - the workers of one context. jm_pool_run() splits a job
 * into parts and calls fn(arg, part, n_parts) once for every part; the
 * caller's thread and the workers claim parts as they come free, so a
 * worker the OS has not scheduled yet never holds the caller up: the
 * caller does the remaining parts itself. Every part is an independent
 * range of the job, so the result does not depend on who ran which part.
 * Workers spin briefly between jobs (a decode step runs hundreds of short
 * jobs) and then sleep on a condition variable.
 */
#ifndef JM_THREADPOOL_H
#define JM_THREADPOOL_H

#include <stdint.h>

typedef void (*jm_task_fn)(void *arg, int part, int n_parts);
typedef struct jm_pool jm_pool;

jm_pool *jm_pool_create(int n_threads);   /* NULL when out of memory or threads */
void     jm_pool_free(jm_pool *pool);
int      jm_pool_size(const jm_pool *pool);
/* How many parts jm_pool_run splits every job into: per-part scratch needs this many. */
int      jm_pool_parts(const jm_pool *pool);
void     jm_pool_run(jm_pool *pool, jm_task_fn fn, void *arg);

/* Splits [0, n) into nth near-equal parts; part ith is [*lo, *hi). */
static inline void jm_split(int64_t n, int ith, int nth, int64_t *lo, int64_t *hi) {
    const int64_t per = n / nth, rem = n % nth;
    *lo = ith * per + (ith < rem ? ith : rem);
    *hi = *lo + per + (ith < rem ? 1 : 0);
}

#endif
