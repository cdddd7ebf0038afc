/*
 * platform.h - the few services the library asks of the operating system,
 * one function each, so that what differs between Linux and Windows lives
 * in platform.c alone: aligned memory, the number of cores, a monotonic
 * clock and the huge-page hint. Threads come from pthreads everywhere
 * (winpthreads, linked statically, on Windows).
 */
#ifndef JM_PLATFORM_H
#define JM_PLATFORM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* align: a power of two and a multiple of sizeof(void *). Memory from here
   goes back through jm_aligned_free, never free(): Windows keeps aligned
   blocks in a heap of their own. */
void  *jm_aligned_alloc(size_t align, size_t bytes);
void   jm_aligned_free(void *p);

int    jm_cores_online(void);      /* at least 1 */
double jm_seconds(void);           /* monotonic, for rates, not dates */

/* Asks for 2 MiB pages for [p, p + bytes) where the OS takes the hint
   without privileges (Linux); elsewhere nothing happens. */
void   jm_advise_huge_pages(void *p, size_t bytes);

/* fmaf, rounded once, as the FMA instruction the SIMD twins use does.
   MinGW's libm fmaf disagrees with the instruction in about a third of
   cases, so there the sum is formed in double and rounded to odd (exact
   product, TwoSum error, the last bit set when inexact): rounding that to
   float is then the single rounding of a*b + c (Boldo and Melquiond). */
static inline float jm_fmaf(float a, float b, float c) {
#if defined(__MINGW32__)
    const double p = (double)a * (double)b; /* 48 bits: exact */
    const double s = p + (double)c;
    const double v = s - p, err = (p - (s - v)) + ((double)c - v);
    if (err == 0 || !isfinite(s)) return (float)s;
    uint64_t u;
    memcpy(&u, &s, sizeof u);
    if ((s > 0) != (err > 0)) u--; /* s was rounded away from zero: truncate */
    u |= 1;
    double odd;
    memcpy(&odd, &u, sizeof odd);
    return (float)odd;
#else
    return fmaf(a, b, c);
#endif
}

#endif
