package org.jmamba.sampling;

/**
 * The xoshiro256** generator of Blackman and Vigna (2018), its 256-bit state filled from a 64-bit
 * seed by SplitMix64, as the authors recommend. Fully specified here so that a seed gives the same
 * numbers on every JDK. Not thread-safe.
 */
final class Xoshiro256StarStar {

    private long s0, s1, s2, s3;

    Xoshiro256StarStar(long seed) {
        seed(seed);
    }

    /** Restarts the sequence from {@code seed}. */
    void seed(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = splitMixFinish(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = splitMixFinish(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = splitMixFinish(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = splitMixFinish(x);
    }

    /** The output function of SplitMix64, applied to the already advanced counter {@code z}. */
    static long splitMixFinish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Next 64 uniformly distributed bits. */
    long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform double in [0, 1): the top 53 bits of {@link #nextLong()} scaled by 2^-53. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
