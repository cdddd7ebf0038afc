#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "threadpool.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ volatile("yield")
#else
#define cpu_relax() ((void)0)
#endif

/* Spins of cpu_relax() before a thread sleeps: a few hundred microseconds. */
#define SPIN_LIMIT 20000
/* Parts per thread. A part is a contiguous range that a kernel streams with
   its prefetches running ahead and prepares its inputs for once, so parts
   are large; two per thread still let a thread that was descheduled leave
   half of its share to the others. (48-layer Q4_0 decode on 2 threads: 8
   parts per thread 31 t/s, 4: 32.3, 2: 32.4, 1: 31-33.5 and uneven.) */
#define PARTS_PER_THREAD 2

typedef struct worker {
    jm_pool  *pool;
    pthread_t thread;
} worker;

/*
 * A job is published as (fn, arg, n_parts) plus a ticket holding the job's
 * number in its high 32 bits and the next unclaimed part in its low 32. A
 * part is claimed by a compare-and-swap on the ticket, which fails if the
 * job moved on, so a thread that read the fields of a newer job can never
 * run a part of it under an old ticket (a job only ends once all its parts
 * were claimed, and each claim changed the ticket).
 */
struct jm_pool {
    int               n;           /* threads, the caller included */
    worker           *workers;     /* n - 1 of them                */
    _Atomic(jm_task_fn) fn;
    _Atomic(void *)   arg;
    _Atomic int       n_parts;
    _Atomic uint64_t  ticket;
    _Atomic int       done;        /* parts finished in this job   */
    _Atomic uint32_t  generation;  /* job number, for waking       */
    _Atomic int       stop;
    _Atomic int       caller_sleeps;
    pthread_mutex_t   lock;
    pthread_cond_t    wake;        /* workers wait here for a job  */
    pthread_cond_t    finished;    /* the caller waits here        */
};

/* Claims and runs parts of the current job until none is left. */
static void run_parts(jm_pool *p) {
    for (;;) {
        uint64_t t = atomic_load_explicit(&p->ticket, memory_order_acquire);
        const int n_parts = atomic_load_explicit(&p->n_parts, memory_order_relaxed);
        const jm_task_fn fn = atomic_load_explicit(&p->fn, memory_order_relaxed);
        void *arg = atomic_load_explicit(&p->arg, memory_order_relaxed);
        const int part = (int)(t & 0xFFFFFFFFu);
        if (part >= n_parts) return;
        if (!atomic_compare_exchange_weak_explicit(&p->ticket, &t, t + 1, memory_order_acq_rel, memory_order_relaxed))
            continue;
        fn(arg, part, n_parts);
        /* sequentially consistent: pairs with the caller's store to caller_sleeps and load of done */
        if (atomic_fetch_add(&p->done, 1) + 1 == n_parts && atomic_load(&p->caller_sleeps)) {
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->finished);
            pthread_mutex_unlock(&p->lock);
        }
    }
}

static uint32_t wait_for_job(jm_pool *p, uint32_t seen) {
    for (int i = 0; i < SPIN_LIMIT; i++) {
        uint32_t g = atomic_load_explicit(&p->generation, memory_order_acquire);
        if (g != seen || atomic_load_explicit(&p->stop, memory_order_relaxed)) return g;
        cpu_relax();
    }
    pthread_mutex_lock(&p->lock);
    uint32_t g;
    while ((g = atomic_load(&p->generation)) == seen && !atomic_load(&p->stop))
        pthread_cond_wait(&p->wake, &p->lock);
    pthread_mutex_unlock(&p->lock);
    return g;
}

static void *worker_main(void *a) {
    worker *w = a;
    jm_pool *p = w->pool;
    uint32_t seen = 0;
    for (;;) {
        seen = wait_for_job(p, seen);
        if (atomic_load(&p->stop)) break;
        run_parts(p);
    }
    return NULL;
}

jm_pool *jm_pool_create(int n_threads) {
    if (n_threads < 1) n_threads = 1;
    jm_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->n = n_threads;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    if (n_threads > 1) {
        p->workers = calloc((size_t)n_threads - 1, sizeof *p->workers);
        if (!p->workers) { jm_pool_free(p); return NULL; }
    }
    for (int i = 1; i < n_threads; i++) {
        worker *w = &p->workers[i - 1];
        w->pool = p;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            p->n = i; /* only the ones started get joined */
            jm_pool_free(p);
            return NULL;
        }
    }
    return p;
}

void jm_pool_free(jm_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    atomic_store(&p->stop, 1);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 1; i < p->n; i++) pthread_join(p->workers[i - 1].thread, NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
    free(p->workers);
    free(p);
}

int jm_pool_size(const jm_pool *p) { return p->n; }
int jm_pool_parts(const jm_pool *p) { return p->n == 1 ? 1 : p->n * PARTS_PER_THREAD; }

void jm_pool_run(jm_pool *p, jm_task_fn fn, void *arg) {
    if (p->n == 1) { fn(arg, 0, 1); return; }
    const int n_parts = jm_pool_parts(p);
    const uint32_t gen = atomic_load_explicit(&p->generation, memory_order_relaxed) + 1;
    /* the previous job is complete, so no thread can claim a part while these change */
    atomic_store_explicit(&p->fn, fn, memory_order_relaxed);
    atomic_store_explicit(&p->arg, arg, memory_order_relaxed);
    atomic_store_explicit(&p->n_parts, n_parts, memory_order_relaxed);
    atomic_store_explicit(&p->done, 0, memory_order_relaxed);
    atomic_store_explicit(&p->ticket, (uint64_t)gen << 32, memory_order_release);
    pthread_mutex_lock(&p->lock);
    atomic_store_explicit(&p->generation, gen, memory_order_release);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);

    run_parts(p);
    /* only parts other threads claimed and are still running are left */
    for (int i = 0; i < SPIN_LIMIT; i++) {
        if (atomic_load_explicit(&p->done, memory_order_acquire) == n_parts) return;
        cpu_relax();
    }
    pthread_mutex_lock(&p->lock);
    atomic_store(&p->caller_sleeps, 1);
    while (atomic_load(&p->done) < n_parts) pthread_cond_wait(&p->finished, &p->lock);
    atomic_store(&p->caller_sleeps, 0);
    pthread_mutex_unlock(&p->lock);
}
