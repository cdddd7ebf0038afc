package org.jmamba.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * Loads the native library through the generated bindings and calls functions the library
 * implements today (functions without an implementation yet are never called: their downcall
 * handles are created lazily, on first call).
 */
class NativeSmokeTest {

    @Test
    void version() {
        MemorySegment p = jmamba_h.jm_version();
        assertNotEquals(MemorySegment.NULL, p);
        String v = p.getString(0);
        assertTrue(v.matches("\\d+\\.\\d+\\.\\d+.*"), "version " + v);
    }

    @Test
    void cpuFeatures() {
        int f = jmamba_h.jm_cpu_features();
        int known = 0;
        for (int bit : new int[] {jmamba_h.JM_CPU_AVX2, jmamba_h.JM_CPU_FMA, jmamba_h.JM_CPU_F16C,
                jmamba_h.JM_CPU_AVX512F, jmamba_h.JM_CPU_AVX512BW, jmamba_h.JM_CPU_AVX512VL,
                jmamba_h.JM_CPU_AVX512VNNI, jmamba_h.JM_CPU_AVX512BF16, jmamba_h.JM_CPU_AVXVNNI,
                jmamba_h.JM_CPU_NEON, jmamba_h.JM_CPU_DOTPROD, jmamba_h.JM_CPU_AMX_INT8}) {
            known |= bit;
        }
        assertEquals(0, f & ~known, "unknown feature bits in " + Integer.toHexString(f));
        assertEquals(f, jmamba_h.jm_cpu_features(), "detected once, stable");
    }

    @Test
    void typeQuestionsForUnknownIds() {
        assertEquals(0, jmamba_h.jm_type_block_size(jmamba_h.JM_TYPE_COUNT + 7));
        assertEquals(0L, jmamba_h.jm_type_block_bytes(-1));
        assertEquals(0, jmamba_h.jm_type_can_compute(-1));
        assertEquals(-1L, jmamba_h.jm_row_size(-1, 32));
    }

    @Test
    void defaultContextParamsByValue() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = jmamba_h.jm_context_default_params(arena);
            assertEquals(jm_context_params.sizeof(), p.byteSize());
            assertEquals(0, jm_context_params.n_threads(p));
            assertEquals(0xFFFFFFFF, jm_context_params.cpu_features_mask(p));
        }
    }

    @Test
    void createAndFreeContext() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = jmamba_h.jm_context_default_params(arena);
            jm_context_params.n_threads(params, 2);
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment err = jm_error.allocate(arena);
            jm_error.code(err, -1);

            int status = jmamba_h.jm_context_create(params, out, err);
            assertEquals(jmamba_h.JM_OK, status, () -> jm_error.message(err).getString(0));
            assertEquals(jmamba_h.JM_OK, jm_error.code(err));
            assertEquals(0, jm_error.message(err, 0), "message cleared on success");
            MemorySegment ctx = out.get(ValueLayout.ADDRESS, 0);
            assertNotEquals(MemorySegment.NULL, ctx);
            try {
                assertEquals(2, jmamba_h.jm_context_n_threads(ctx));
                int level = jmamba_h.jm_context_kernel_level(ctx);
                assertTrue(level >= jmamba_h.JM_LEVEL_SCALAR && level <= jmamba_h.JM_LEVEL_NEON, "level " + level);
                int used = jmamba_h.jm_context_features(ctx);
                assertEquals(used, used & jmamba_h.jm_cpu_features(), "uses only features the CPU has");
            } finally {
                jmamba_h.jm_context_free(ctx);
            }
        }
    }

    @Test
    void scalarOnlyContextWhenMaskIsZero() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = jm_context_params.allocate(arena);
            jm_context_params.n_threads(params, 1);
            jm_context_params.cpu_features_mask(params, 0);
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            assertEquals(jmamba_h.JM_OK, jmamba_h.jm_context_create(params, out, MemorySegment.NULL));
            MemorySegment ctx = out.get(ValueLayout.ADDRESS, 0);
            try {
                assertEquals(jmamba_h.JM_LEVEL_SCALAR, jmamba_h.jm_context_kernel_level(ctx));
                assertEquals(0, jmamba_h.jm_context_features(ctx));
            } finally {
                jmamba_h.jm_context_free(ctx);
            }
        }
    }

    @Test
    void nullOutIsAnInvalidArgument() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = jm_error.allocate(arena);
            int status = jmamba_h.jm_context_create(MemorySegment.NULL, MemorySegment.NULL, err);
            assertEquals(jmamba_h.JM_ERR_INVALID_ARG, status);
            assertEquals(jmamba_h.JM_ERR_INVALID_ARG, jm_error.code(err));
            String msg = jm_error.message(err).getString(0);
            assertFalse(msg.isEmpty(), "an error message");
            assertTrue(msg.contains("out"), msg);
            assertEquals(jmamba_h.JM_ERROR_MESSAGE_SIZE, jm_error.message$layout().elementCount());
        }
    }

    @Test
    void freeingNullIsAllowed() {
        jmamba_h.jm_context_free(MemorySegment.NULL);
        assertEquals(0, jmamba_h.jm_context_n_threads(MemorySegment.NULL));
    }
}
