package org.jmamba.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Xoshiro256StarStarTest {

    @Test
    void splitMixMatchesThePublishedSequence() {
        // SplitMix64 from seed 1234567, as listed with the algorithm's published test vectors.
        long[] expected = {6457827717110365317L, 3203168211198807973L, 0x883EBCE5A3F27C77L,
                4593380528125082431L, 0xE3B8346708CB5ECDL};
        long x = 1234567L;
        long[] got = new long[5];
        for (int i = 0; i < 5; i++) {
            x += 0x9E3779B97F4A7C15L;
            got[i] = Xoshiro256StarStar.splitMixFinish(x);
        }
        assertArrayEquals(expected, got);
    }

    @Test
    void outputsMatchAnIndependentImplementation() {
        // Computed with a separate arbitrary-precision implementation of the reference C code.
        assertArrayEquals(new long[] {3504822795582309479L, 1819558768956484042L, 1250851346055027673L,
                -1506512398609557514L, -6860864726098128586L}, first5(1234567L));
        assertArrayEquals(new long[] {-7355399402456485196L, -4652746763540216534L, 1900383378846508768L,
                7684712102626143532L, -4925340083591827879L}, first5(0L));
        assertArrayEquals(new long[] {-8118546653352383224L, -4290065566684577747L, -9088772293754075490L,
                -4655159067405239249L, -7983312046894832854L}, first5(-1L));
    }

    @Test
    void reseedingRestartsTheSequence() {
        Xoshiro256StarStar g = new Xoshiro256StarStar(77L);
        long a = g.nextLong();
        g.nextLong();
        g.seed(77L);
        assertArrayEquals(new long[] {a}, new long[] {g.nextLong()});
    }

    @Test
    void doublesAreInTheUnitInterval() {
        Xoshiro256StarStar g = new Xoshiro256StarStar(1L);
        for (int i = 0; i < 100_000; i++) {
            double d = g.nextDouble();
            assertTrue(d >= 0.0 && d < 1.0);
        }
    }

    private static long[] first5(long seed) {
        Xoshiro256StarStar g = new Xoshiro256StarStar(seed);
        long[] r = new long[5];
        for (int i = 0; i < 5; i++) {
            r[i] = g.nextLong();
        }
        return r;
    }
}
