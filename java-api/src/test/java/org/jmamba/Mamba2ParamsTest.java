package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jmamba.bindings.jm_model_params;
import org.junit.jupiter.api.Test;

/** The hyper-parameter rules and derived sizes, which the record takes from the native library. */
class Mamba2ParamsTest {

    /** Codestral Mamba 7B's config.json: hidden 4096, 64 layers, expand 2, state 128, head_dim 64, 8 groups. */
    static final Mamba2Params CODESTRAL = new Mamba2Params(32768, 4096, 64, 8192, 128, 128, 8, 4, 1e-5f, false);

    @Test
    void derivedSizesOfCodestralMamba() {
        assertEquals(64, CODESTRAL.headDim());
        assertEquals(8192 + 2 * 8 * 128, CODESTRAL.convDim());
        assertEquals(2 * 8192 + 2 * 8 * 128 + 128, CODESTRAL.dInProj()); // llama.cpp's ssm_in: [4096, 18560]
        assertEquals(18560, CODESTRAL.dInProj());
        // per layer: 3 conv rows of 10240 channels, 128 heads x 64 x 128 state; 276 MB in all
        assertEquals(64L * (3 * 10240 + 8192 * 128) * 4, CODESTRAL.stateBytes());
        assertEquals(276_299_776L, CODESTRAL.stateBytes());
    }

    @Test
    void theLibrarysReasonIsTheMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Mamba2Params(300, 64, 2, 100, 16, 8, 2, 4, 1e-5f, false));
        assertEquals("d_inner 100 is not a multiple of n_head 8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Mamba2Params(300, 64, 2, 128, 16, 8, 3, 4, 1e-5f, false));
        assertEquals("n_head 8 is not a multiple of n_group 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Mamba2Params(0, 64, 2, 128, 16, 8, 2, 4, 1e-5f, false));
        assertTrue(e.getMessage().startsWith("n_vocab = 0 is out of range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Mamba2Params(300, 64, 2, 128, 16, 8, 2, 4, Float.NaN, false));
        assertTrue(e.getMessage().contains("norm_eps"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Mamba2Params(300, 64, 2, 128, 16, 8, 2, 0, 1e-5f, false));
    }

    @Test
    void toNativeCarriesEveryHyperParameter() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = CODESTRAL.toNative(arena);
            assertEquals(32768, jm_model_params.n_vocab(p));
            assertEquals(4096, jm_model_params.d_model(p));
            assertEquals(64, jm_model_params.n_layer(p));
            assertEquals(8192, jm_model_params.d_inner(p));
            assertEquals(128, jm_model_params.d_state(p));
            assertEquals(128, jm_model_params.n_head(p));
            assertEquals(8, jm_model_params.n_group(p));
            assertEquals(4, jm_model_params.d_conv(p));
            assertEquals(1e-5f, jm_model_params.norm_eps(p));
            assertEquals(0, jm_model_params.weights_file_mapped(p)); // the library's defaults for the rest
            assertEquals(-1, jm_model_params.cpu_features_mask(p));
        }
    }
}
