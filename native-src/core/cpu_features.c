/*
 * cpu_features.c - the one global of the library: the CPU's feature bits,
 * detected once. x86-64 reads cpuid (and xgetbv, since the OS must save the
 * wide registers too); arm64 reads the kernel's hwcaps.
 */
#include <stdatomic.h>
#include "jmamba.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

static uint64_t read_xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

/* AMX tile data is off in every process until it asks Linux for it
   (arch_prctl ARCH_REQ_XCOMP_PERM, feature 18 XTILEDATA); asking is
   process-wide and idempotent. */
static int amx_granted(void) {
#if defined(__linux__) && defined(SYS_arch_prctl)
    enum { ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18 };
    return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
#else
    return 0;
#endif
}

static uint32_t detect(void) {
    unsigned a, b, c, d;
    uint32_t f = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int osxsave = (c >> 27) & 1, has_avx = (c >> 28) & 1;
    const int fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
    if (!osxsave || !has_avx) return 0;
    const uint64_t xcr0 = read_xcr0();
    const int ymm_ok = (xcr0 & 0x6) == 0x6;
    const int zmm_ok = (xcr0 & 0xE6) == 0xE6;
    if (!ymm_ok) return 0;
    if (fma) f |= JM_CPU_FMA;
    if (f16c) f |= JM_CPU_F16C;
    if (__get_cpuid_max(0, 0) < 7) return f;
    __cpuid_count(7, 0, a, b, c, d);
    if ((b >> 5) & 1) f |= JM_CPU_AVX2;
    if (zmm_ok) {
        if ((b >> 16) & 1) f |= JM_CPU_AVX512F;
        if ((b >> 30) & 1) f |= JM_CPU_AVX512BW;
        if ((b >> 31) & 1) f |= JM_CPU_AVX512VL;
        if ((c >> 11) & 1) f |= JM_CPU_AVX512VNNI;
    }
    /* AMX-TILE and AMX-INT8, XCR0's XTILECFG and XTILEDATA, and the grant */
    const int amx = ((d >> 24) & 1) && ((d >> 25) & 1) && (xcr0 & 0x60000) == 0x60000;
    if (amx && zmm_ok && amx_granted()) f |= JM_CPU_AMX_INT8;
    __cpuid_count(7, 1, a, b, c, d);
    if ((a >> 4) & 1) f |= JM_CPU_AVXVNNI;
    if (zmm_ok && ((a >> 5) & 1)) f |= JM_CPU_AVX512BF16;
    return f;
}
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
static uint32_t detect(void) {
    uint32_t f = JM_CPU_NEON; /* mandatory on arm64 */
    unsigned long hw = getauxval(AT_HWCAP);
    if (hw & (1ul << 20)) f |= JM_CPU_DOTPROD; /* HWCAP_ASIMDDP */
    return f;
}
#elif defined(__aarch64__)
static uint32_t detect(void) { return JM_CPU_NEON; }
#else
static uint32_t detect(void) { return 0; }
#endif

#define JM_FEATURES_UNKNOWN 0x80000000u
static _Atomic uint32_t g_features = JM_FEATURES_UNKNOWN;

uint32_t jm_cpu_features(void) {
    uint32_t f = atomic_load_explicit(&g_features, memory_order_acquire);
    if (f == JM_FEATURES_UNKNOWN) {
        f = detect(); /* idempotent, so a race only repeats the work */
        atomic_store_explicit(&g_features, f, memory_order_release);
    }
    return f;
}

const char *jm_version(void) { return "0.1.0"; }
