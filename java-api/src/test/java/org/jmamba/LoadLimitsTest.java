package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufFormatException;
import org.jmamba.gguf.GgufTensorInfo;
import org.jmamba.gguf.GgufValue;
import org.jmamba.gguf.GgufWriter;
import org.jmamba.testkit.RandomMamba2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shapes and metadata that are valid GGUF but must not load: refused when loading, with what is wrong. */
class LoadLimitsTest {

    /** A copy of {@code src} with some metadata values replaced (or added). */
    static Path rewrite(Path src, Path dst, Map<String, UnaryOperator<GgufValue>> edits) throws IOException {
        try (GgufFile in = GgufFile.open(src); GgufWriter w = GgufWriter.create(dst)) {
            for (Map.Entry<String, GgufValue> kv : in.metadata().entrySet()) {
                UnaryOperator<GgufValue> edit = edits.get(kv.getKey());
                w.put(kv.getKey(), edit == null ? kv.getValue() : edit.apply(kv.getValue()));
            }
            for (GgufTensorInfo t : in.tensors()) w.addTensor(t.name(), t.type(), t.shape());
            for (GgufTensorInfo t : in.tensors()) w.writeTensor(t.name(), in.tensorData(t));
            w.commit();
        }
        return dst;
    }

    @Test
    void aHugeButValidStateIsRefusedBeforeAnythingIsAllocated(@TempDir Path dir) throws Exception {
        // d_inner = d_state = 131072: a 16 MB file whose sessions would need 64 GiB of state
        Path p = dir.resolve("huge-state.gguf");
        RandomMamba2.write(p, new RandomMamba2.Spec(
                new RandomMamba2.Shape(300, 4, 1, 131072, 131072, 1, 1, 4, true), GgmlType.F32, 1));
        // before: the model loaded and newSession() threw java.lang.OutOfMemoryError
        InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class, () -> Model.load(p));
        long need = Model.sessionBytes(new Mamba2Params(300, 4, 1, 131072, 131072, 1, 1, 4, 1e-5f, true));
        assertTrue(need > 64L << 30);
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("needs " + need + " bytes")
                && e.getMessage().contains("withMaxSessionBytes"), e.getMessage());
    }

    @Test
    void theSessionBudgetIsAnOption() throws Exception {
        Path p = ModelLifetimeTest.smallModel();
        long need = Model.sessionBytes(new Mamba2Params(300, 64, 2, 128, 16, 8, 2, 4, 1e-5f, false));
        assertThrows(InsufficientMemoryException.class,
                () -> Model.load(p, Model.Options.defaults().withMaxSessionBytes(need - 1)));
        try (Model m = Model.load(p, Model.Options.defaults().withMaxSessionBytes(need)); Session s = m.newSession()) {
            assertEquals(need, m.stateBytes() + 4L * m.params().nVocab());
            s.eval(1);
        }
        assertThrows(IllegalArgumentException.class, () -> Model.Options.defaults().withMaxSessionBytes(0));
    }

    @Test
    void nativeOutOfMemoryIsAJmambaException() {
        // a real allocation failure cannot be provoked safely (with overcommit a huge malloc succeeds
        // and filling it takes the machine down), so the library's status goes through the mapping
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment err = NativeCalls.newError(arena);
            err.setString(org.jmamba.bindings.jm_error.message$offset(), "out of memory for a batch of 512 tokens");
            // before: java.lang.OutOfMemoryError
            InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
                    () -> NativeCalls.check(org.jmamba.bindings.jmamba_h.JM_ERR_OUT_OF_MEMORY, err, "eval"));
            assertEquals("eval: out of memory for a batch of 512 tokens", e.getMessage());
            assertInstanceOf(JmambaException.class, e);
        }
    }

    @Test
    void aTokenizerWithMoreTokensThanEmbeddingRowsFailsAtLoad(@TempDir Path dir) throws Exception {
        Path p = rewrite(ModelLifetimeTest.smallModel(), dir.resolve("long-vocab.gguf"), Map.of(
                "tokenizer.ggml.tokens", v -> longer(v, i -> new GgufValue.Str("<extra_" + i + ">")),
                "tokenizer.ggml.scores", v -> longer(v, i -> new GgufValue.Float32(0)),
                "tokenizer.ggml.token_type", v -> longer(v, i -> new GgufValue.Int32(1))));
        // before: it loaded, and eval of token 300 failed much later
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("the tokenizer has 305 tokens")
                && e.getMessage().contains("rows for only 300"), e.getMessage());
    }

    private static GgufValue longer(GgufValue v, java.util.function.IntFunction<GgufValue> extra) {
        GgufValue.Array a = (GgufValue.Array) v;
        List<GgufValue> values = new ArrayList<>(a.values());
        for (int i = 0; i < 5; i++) values.add(extra.apply(i));
        return new GgufValue.Array(a.elementType(), values);
    }

    @Test
    void aGroupCountOver32BitsIsRefusedNotTruncated(@TempDir Path dir) throws Exception {
        // 2^32 + 2 read with (int) getLong was 2, this model's real group count: it loaded
        Path p = rewrite(ModelLifetimeTest.smallModel(), dir.resolve("groups.gguf"),
                Map.of("mamba2.ssm.group_count", v -> new GgufValue.UInt64((1L << 32) + 2)));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("mamba2.ssm.group_count"), e.getMessage());
    }

    @Test
    void derivedSizesThatOverflowAnIntAreRefused() {
        // every count is at most 2^24 (jm_model_params_check), so the products overflow, not the counts:
        // ssm_in's rows: 2 * 2^24 + 2 * 64 * 2^24 + 64 > 2^31 - 1 (before: a negative dInProj())
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Mamba2Params(300, 64, 1, 1 << 24, 1 << 24, 64, 64, 4, 1e-5f, true));
        assertTrue(e.getMessage().contains("ssm_in"), e.getMessage());
        // the state of many layers overflows a byte count
        assertThrows(IllegalArgumentException.class,
                () -> new Mamba2Params(300, 64, 1 << 24, 1 << 24, 1 << 24, 1, 1, 4, 1e-5f, true));
        Mamba2Params ok = new Mamba2Params(300, 64, 1, 1 << 24, 1 << 24, 32, 32, 4, 1e-5f, true);
        assertEquals(2 * (1 << 24) + 2 * 32 * (1 << 24) + 32, ok.dInProj());
        assertTrue(ok.convDim() > 0);
    }
}
