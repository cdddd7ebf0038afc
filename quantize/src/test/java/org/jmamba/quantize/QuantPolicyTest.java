package org.jmamba.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jmamba.gguf.GgmlType;
import org.junit.jupiter.api.Test;

/** The per-tensor rules, on names and shapes alone. */
class QuantPolicyTest {
    static final long[] EMBD = {4096, 32768};
    static final long[] IN = {4096, 18560};
    static final long[] OUT = {8192, 4096};

    static GgmlType type(FileType ft, boolean pure, String name, long[] shape, boolean hasOutput, QuantPolicy.TensorType... o) {
        return new QuantPolicy(ft, pure, List.of(o)).decide(name, shape, GgmlType.F32, hasOutput).type();
    }

    @Test
    void onlyMatricesNamedWeightAreConverted() {
        assertTrue(QuantPolicy.isQuantizable("blk.0.ssm_in.weight", IN));
        assertTrue(QuantPolicy.isQuantizable("token_embd.weight", EMBD));
        assertFalse(QuantPolicy.isQuantizable("blk.0.ssm_conv1d.weight", new long[] {4, 10240}));
        assertFalse(QuantPolicy.isQuantizable("blk.0.ssm_conv1d.bias", new long[] {10240}));
        assertFalse(QuantPolicy.isQuantizable("blk.0.ssm_norm.weight", new long[] {1024, 8}));
        assertFalse(QuantPolicy.isQuantizable("blk.0.attn_norm.weight", new long[] {4096}));
        assertFalse(QuantPolicy.isQuantizable("output_norm.weight", new long[] {4096}));
        assertFalse(QuantPolicy.isQuantizable("blk.0.ssm_a", new long[] {1, 128}));
        assertFalse(QuantPolicy.isQuantizable("blk.0.ssm_d", new long[] {1, 128}));
        assertFalse(QuantPolicy.isQuantizable("blk.0.ssm_dt.bias", new long[] {128}));
        // a [n, 1] matrix counts as one dimension, as in ggml
        assertFalse(QuantPolicy.isQuantizable("x.weight", new long[] {256, 1}));
        assertEquals(1, QuantPolicy.nDims(new long[] {5, 1, 1}));
        assertEquals(2, QuantPolicy.nDims(new long[] {1, 5}));
    }

    @Test
    void q4kmGivesTheOutputQ6k() {
        assertEquals(GgmlType.Q4_K, type(FileType.Q4_K_M, false, "blk.3.ssm_in.weight", IN, true));
        assertEquals(GgmlType.Q4_K, type(FileType.Q4_K_M, false, "blk.3.ssm_out.weight", OUT, true));
        assertEquals(GgmlType.Q4_K, type(FileType.Q4_K_M, false, "token_embd.weight", EMBD, true));
        assertEquals(GgmlType.Q6_K, type(FileType.Q4_K_M, false, "output.weight", EMBD, true));
        // tied: the embedding is the output
        assertEquals(GgmlType.Q6_K, type(FileType.Q4_K_M, false, "token_embd.weight", EMBD, false));
        assertEquals(GgmlType.F32, type(FileType.Q4_K_M, false, "blk.0.ssm_conv1d.weight", new long[] {4, 10240}, true));
    }

    @Test
    void legacyTypesAlsoGetQ6kOutputButQ8_0AndFloatsDoNot() {
        assertEquals(GgmlType.Q6_K, type(FileType.Q4_0, false, "output.weight", EMBD, true));
        assertEquals(GgmlType.Q4_0, type(FileType.Q4_0, false, "blk.0.ssm_in.weight", IN, true));
        assertEquals(GgmlType.Q8_0, type(FileType.Q8_0, false, "output.weight", EMBD, true));
        assertEquals(GgmlType.F16, type(FileType.F16, false, "output.weight", EMBD, true));
        assertEquals(GgmlType.BF16, type(FileType.BF16, false, "output.weight", EMBD, true));
        assertEquals(GgmlType.F32, type(FileType.F32, false, "output.weight", EMBD, true));
        // output rows that are not a multiple of the target's block: Q8_0
        assertEquals(GgmlType.Q8_0, type(FileType.Q4_K_M, false, "output.weight", new long[] {64, 300}, true));
    }

    @Test
    void pureKeepsTheOutputAtTheTargetType() {
        assertEquals(GgmlType.Q4_0, type(FileType.Q4_0, true, "output.weight", EMBD, true));
        assertEquals(GgmlType.Q4_K, type(FileType.Q4_K_M, true, "output.weight", EMBD, true));
    }

    @Test
    void tensorTypeOverridesByRegexLastMatchWins() {
        var a = QuantPolicy.TensorType.parse("ssm_in=q8_0");
        var b = QuantPolicy.TensorType.parse("blk\\.1\\..*=Q5_K");
        assertEquals(GgmlType.Q8_0, type(FileType.Q4_K_M, false, "blk.0.ssm_in.weight", IN, true, a, b));
        assertEquals(GgmlType.Q5_K, type(FileType.Q4_K_M, false, "blk.1.ssm_in.weight", IN, true, a, b));
        assertEquals(GgmlType.Q5_K, type(FileType.Q4_K_M, false, "blk.1.ssm_out.weight", OUT, true, a, b));
        assertEquals(GgmlType.Q4_K, type(FileType.Q4_K_M, false, "blk.2.ssm_out.weight", OUT, true, a, b));
        // never on tensors that are not converted at all
        assertEquals(GgmlType.F32, type(FileType.Q4_K_M, false, "blk.1.ssm_norm.weight", new long[] {1024, 8}, true, b));
        assertThrows(IllegalArgumentException.class, () -> QuantPolicy.TensorType.parse("ssm_in"));
        assertThrows(IllegalArgumentException.class, () -> QuantPolicy.TensorType.parse("ssm_in=Q9_9"));
        assertThrows(IllegalArgumentException.class, () -> QuantPolicy.TensorType.parse("ssm_in=IQ2_XXS"));
        assertThrows(IllegalArgumentException.class, () -> QuantPolicy.TensorType.parse("ssm_in[=Q8_0"));
    }

    @Test
    void rowsThatDoNotFitFallBackAsLlamaCppDoes() {
        long[] small = {64, 320};
        var d = new QuantPolicy(FileType.Q4_K_M, false, List.of()).decide("blk.0.ssm_in.weight", small, GgmlType.F32, true);
        assertEquals(GgmlType.Q5_0, d.type());
        assertTrue(d.fallback());
        assertTrue(d.note().contains("fallback Q5_0"), d.note());
        assertEquals(GgmlType.Q5_1, type(FileType.Q5_K_M, false, "blk.0.ssm_in.weight", small, true));
        assertEquals(GgmlType.Q8_0, type(FileType.Q6_K, false, "blk.0.ssm_in.weight", small, true));
        assertEquals(GgmlType.Q4_0, type(FileType.Q3_K_M, false, "blk.0.ssm_in.weight", small, true));
        assertEquals(GgmlType.Q4_0, type(FileType.Q2_K, false, "blk.0.ssm_in.weight", small, true));
        // and when even 32 does not divide the rows: F16
        assertEquals(GgmlType.F16, type(FileType.Q4_K_M, false, "blk.0.ssm_in.weight", new long[] {48, 320}, true));
        assertEquals(GgmlType.F16, type(FileType.Q4_0, false, "blk.0.ssm_in.weight", new long[] {48, 320}, true));
        // under --pure too
        assertEquals(GgmlType.Q5_0, type(FileType.Q4_K_M, true, "blk.0.ssm_in.weight", small, true));
    }

    @Test
    void namesAndNumbersAreLlamaCpps() {
        assertEquals(15, FileType.byName("q4_k_m").orElseThrow().llamaFtype());
        assertEquals(FileType.Q4_K_M, FileType.byName("Q4_K").orElseThrow());
        assertEquals(FileType.Q5_K_M, FileType.byName("Q5_K").orElseThrow());
        assertEquals(FileType.Q3_K_M, FileType.byName("Q3_K").orElseThrow());
        assertEquals(7, FileType.Q8_0.llamaFtype());
        assertEquals(32, FileType.BF16.llamaFtype());
        assertEquals(8, FileType.Q5_0.llamaFtype());
        assertEquals(18, FileType.Q6_K.llamaFtype());
        assertTrue(FileType.byName("IQ2_XXS").isEmpty());
    }
}
