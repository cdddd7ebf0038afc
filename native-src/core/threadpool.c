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

/* Spins of cpu_relax() before a worker sleeps: a few hundred microseconds. */
#define SPIN_LIMIT 20000

typedef struct worker {
    jm_pool  *pool;
    int       ith;
    pthread_t thread;
} worker;

struct jm_pool {
    int              n;          /* threads, the caller included */
    worker          *workers;    /* n - 1 of them                */
    jm_task_fn       fn;
    void            *arg;
    _Atomic uint64_t generation; /* bumped for every job         */
    _Atomic int      pending;    /* workers not done with the job */
    _Atomic int      stop;
    pthread_mutex_t  lock;
    pthread_cond_t   wake;       /* workers wait here for a job     */
    pthread_cond_t   done;       /* the caller waits here for them  */
};

static uint64_t wait_for_job(jm_pool *p, uint64_t seen) {
    for (int i = 0; i < SPIN_LIMIT; i++) {
        uint64_t g = atomic_load_explicit(&p->generation, memory_order_acquire);
        if (g != seen || atomic_load_explicit(&p->stop, memory_order_relaxed)) return g;
        cpu_relax();
    }
    pthread_mutex_lock(&p->lock);
    uint64_t g;
    while ((g = atomic_load(&p->generation)) == seen && !atomic_load(&p->stop))
        pthread_cond_wait(&p->wake, &p->lock);
    pthread_mutex_unlock(&p->lock);
    return g;
}

static void *worker_main(void *a) {
    worker *w = a;
    jm_pool *p = w->pool;
    uint64_t seen = 0;
    for (;;) {
        seen = wait_for_job(p, seen);
        if (atomic_load(&p->stop)) break;
        p->fn(p->arg, w->ith, p->n);
        if (atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel) == 1) {
            /* the last one out wakes the caller in case it stopped spinning */
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->lock);
        }
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
    pthread_cond_init(&p->done, NULL);
    if (n_threads > 1) {
        p->workers = calloc((size_t)n_threads - 1, sizeof *p->workers);
        if (!p->workers) { jm_pool_free(p); return NULL; }
    }
    for (int i = 1; i < n_threads; i++) {
        worker *w = &p->workers[i - 1];
        w->pool = p;
        w->ith = i;
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
    pthread_cond_destroy(&p->done);
    free(p->workers);
    free(p);
}

int jm_pool_size(const jm_pool *p) { return p->n; }

void jm_pool_run(jm_pool *p, jm_task_fn fn, void *arg) {
    if (p->n == 1) { fn(arg, 0, 1); return; }
    p->fn = fn;
    p->arg = arg;
    atomic_store_explicit(&p->pending, p->n - 1, memory_order_relaxed);
    pthread_mutex_lock(&p->lock);
    atomic_fetch_add_explicit(&p->generation, 1, memory_order_acq_rel);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    fn(arg, 0, p->n);
    /* spin a little (jobs are short), then sleep: a busy machine may not run our workers soon */
    for (int i = 0; i < SPIN_LIMIT; i++) {
        if (atomic_load_explicit(&p->pending, memory_order_acquire) == 0) return;
        cpu_relax();
    }
    pthread_mutex_lock(&p->lock);
    while (atomic_load(&p->pending) > 0) pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
