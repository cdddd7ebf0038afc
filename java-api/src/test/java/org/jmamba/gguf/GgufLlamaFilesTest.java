package org.jmamba.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reads GGUF files written by llama.cpp (from the shared test data folder). Expected values come
 * from the test data's README: a mamba2 model with d_model 64, 2 layers, d_inner 128, state size
 * N 16, head_dim 16 so H = 8 heads, G = 2 groups, vocabulary 320; and llama's SentencePiece vocab.
 */
class GgufLlamaFilesTest {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final int D_MODEL = 64, LAYERS = 2, D_INNER = 128, N = 16, H = 8, G = 2, VOCAB = 320;
    static final int D_IN_PROJ = 2 * D_INNER + 2 * G * N + H; // z, x, B, C, dt
    static final int CONV_DIM = D_INNER + 2 * G * N;

    /** The test data folder; skips the calling test when it is absent (fails under scripts/test.sh). */
    static Path testdata(String file) {
        return org.jmamba.TestModels.testdataFile(file);
    }

    /** name -> shape of every tensor of the tiny model, from its hyper-parameters. */
    static Map<String, long[]> expectedShapes() {
        var m = new java.util.LinkedHashMap<String, long[]>();
        m.put("token_embd.weight", new long[] {D_MODEL, VOCAB});
        m.put("output_norm.weight", new long[] {D_MODEL});
        for (int l = 0; l < LAYERS; l++) {
            String b = "blk." + l + ".";
            m.put(b + "attn_norm.weight", new long[] {D_MODEL});
            m.put(b + "ssm_in.weight", new long[] {D_MODEL, D_IN_PROJ});
            m.put(b + "ssm_conv1d.weight", new long[] {4, CONV_DIM});
            m.put(b + "ssm_conv1d.bias", new long[] {CONV_DIM});
            m.put(b + "ssm_dt.bias", new long[] {H});
            m.put(b + "ssm_a", new long[] {1, H});
            m.put(b + "ssm_d", new long[] {1, H});
            m.put(b + "ssm_norm.weight", new long[] {D_INNER / G, G});
            m.put(b + "ssm_out.weight", new long[] {D_INNER, D_MODEL});
        }
        return m;
    }

    static boolean isQ8Weight(String name) {
        return name.equals("token_embd.weight") || name.endsWith("ssm_in.weight") || name.endsWith("ssm_out.weight");
    }

    private static void checkMamba2Metadata(GgufFile f) throws IOException {
        assertEquals(3, f.version());
        assertEquals("mamba2", f.architecture());
        assertEquals(32, f.alignment());
        assertEquals(D_MODEL, f.getInt("mamba2.embedding_length"));
        assertEquals(LAYERS, f.getInt("mamba2.block_count"));
        assertEquals(D_INNER, f.getInt("mamba2.ssm.inner_size"));
        assertEquals(N, f.getInt("mamba2.ssm.state_size"));
        assertEquals(H, f.getInt("mamba2.ssm.time_step_rank"));
        assertEquals(G, f.getInt("mamba2.ssm.group_count"));
        assertEquals(4, f.getLong("mamba2.ssm.conv_kernel"));
        assertEquals(VOCAB, f.getInt("mamba2.vocab_size"));
        assertEquals(1e-5f, f.getFloat("mamba2.attention.layer_norm_rms_epsilon"));
        assertEquals(GgufValueType.UINT32, f.get("mamba2.ssm.time_step_rank").orElseThrow().type());
        assertEquals(32, f.getInt("general.alignment"));
    }

    /** Shapes as expected, every tensor's data aligned and inside the file, no two overlapping. */
    private static void checkTensorLayout(GgufFile f, Path p) throws IOException {
        Map<String, long[]> expected = expectedShapes();
        assertEquals(expected.size(), f.tensors().size());
        assertEquals(Files.size(p), f.fileSize());
        assertEquals(0, f.dataOffset() % 32);
        long covered = 0;
        for (GgufTensorInfo t : f.tensors()) {
            assertArrayEquals(expected.get(t.name()), t.shape(), t.name());
            assertEquals(t, f.tensor(t.name()).orElseThrow());
            MemorySegment data = f.tensorData(t);
            assertEquals(t.byteSize(), data.byteSize());
            assertTrue(data.isReadOnly());
            assertEquals(0, (data.address() - f.segment().address()) % 32, t.name() + " aligned in the file");
            covered += t.byteSize();
        }
        assertTrue(covered <= f.fileSize() - f.dataOffset());
    }

    @Test
    void readsLlamaCppF32Model() throws IOException {
        Path p = testdata("mamba2-tiny-f32.gguf");
        try (GgufFile f = GgufFile.open(p)) {
            checkMamba2Metadata(f);
            assertEquals(0, f.getInt("general.file_type")); // ALL_F32
            checkTensorLayout(f, p);
            for (GgufTensorInfo t : f.tensors()) {
                assertEquals(GgmlType.F32, t.type(), t.name());
                assertEquals(t.elementCount() * 4, t.byteSize());
            }
            GgufTensorInfo in = f.tensor("blk.0.ssm_in.weight").orElseThrow();
            assertEquals(2, in.nDims());
            assertEquals(D_MODEL, in.dim(0));
            assertEquals(D_IN_PROJ, in.dim(1));
            assertEquals(1, in.dim(2));
            assertEquals(1, in.dim(3));
            // Random weights: finite and not all zero.
            MemorySegment w = f.tensorData(in);
            boolean nonZero = false;
            for (long i = 0; i < in.elementCount(); i++) {
                float v = w.get(F32, 4 * i);
                assertTrue(Float.isFinite(v));
                nonZero |= v != 0;
            }
            assertTrue(nonZero);
        }
    }

    @Test
    void readsLlamaCppQ8Model() throws IOException {
        Path p = testdata("mamba2-tiny-q8_0.gguf");
        try (GgufFile f = GgufFile.open(p)) {
            checkMamba2Metadata(f);
            assertEquals(7, f.getInt("general.file_type")); // MOSTLY_Q8_0
            assertEquals(2, f.getInt("general.quantization_version"));
            checkTensorLayout(f, p);
            for (GgufTensorInfo t : f.tensors()) {
                assertEquals(isQ8Weight(t.name()) ? GgmlType.Q8_0 : GgmlType.F32, t.type(), t.name());
            }
            GgufTensorInfo in = f.tensor("blk.0.ssm_in.weight").orElseThrow();
            assertEquals(D_MODEL / 32 * 34L * D_IN_PROJ, in.byteSize());
            assertEquals(GgmlType.F32, f.tensor("blk.1.ssm_conv1d.weight").orElseThrow().type());
        }
    }

    /**
     * The quantized file's tensors hold the f32 file's weights: F32 tensors byte for byte, Q8_0
     * tensors within half a quantization step (block scale d = max|x| / 127, stored as f16).
     * Both files come from llama.cpp, so this checks that offsets point at the right bytes.
     */
    @Test
    void quantizedTensorsMatchTheF32File() throws IOException {
        Path pf = testdata("mamba2-tiny-f32.gguf");
        Path pq = testdata("mamba2-tiny-q8_0.gguf");
        try (GgufFile f32 = GgufFile.open(pf); GgufFile q8 = GgufFile.open(pq)) {
            for (GgufTensorInfo tq : q8.tensors()) {
                GgufTensorInfo tf = f32.tensor(tq.name()).orElseThrow();
                assertArrayEquals(tf.shape(), tq.shape());
                MemorySegment xf = f32.tensorData(tf);
                MemorySegment xq = q8.tensorData(tq);
                if (tq.type() == GgmlType.F32) {
                    assertEquals(-1, xf.mismatch(xq), tq.name());
                    continue;
                }
                long blocks = tq.elementCount() / 32;
                for (long b = 0; b < blocks; b++) {
                    float d = Float.float16ToFloat(xq.get(U16, b * 34));
                    float max = 0;
                    for (int i = 0; i < 32; i++) {
                        max = Math.max(max, Math.abs(xf.get(F32, (b * 32 + i) * 4)));
                    }
                    assertEquals(max / 127, d, max / 127 * 1e-3 + 1e-12, tq.name() + " block " + b + " scale");
                    for (int i = 0; i < 32; i++) {
                        float x = xf.get(F32, (b * 32 + i) * 4);
                        float y = d * xq.get(ValueLayout.JAVA_BYTE, b * 34 + 2 + i);
                        assertEquals(x, y, d * (0.5f + 127f / 2048) + 1e-12, tq.name() + " element " + (b * 32 + i));
                    }
                }
            }
        }
    }

    @Test
    void readsLlamaCppVocabFile() throws IOException {
        Path p = testdata("ggml-vocab-llama-spm.gguf");
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals("llama", f.architecture());
            assertEquals("llama", f.getString("tokenizer.ggml.model"));
            assertTrue(f.tensors().isEmpty());
            // No tensors: like ggml, the file may end right after the header, without padding.
            assertEquals(f.fileSize(), f.dataOffset());
            int vocab = f.getInt("llama.vocab_size");
            assertEquals(32000, vocab);

            String[] tokens = f.getStringArray("tokenizer.ggml.tokens");
            assertEquals(vocab, tokens.length);
            assertEquals(List.of("<unk>", "<s>", "</s>"), List.of(tokens).subList(0, 3));
            for (int b = 0; b < 256; b++) {
                assertEquals(String.format("<0x%02X>", b), tokens[3 + b]);
            }
            assertEquals("\u2581Hello", tokens[15043]);
            assertEquals("\u2581world", tokens[3186]);

            float[] scores = f.getFloatArray("tokenizer.ggml.scores");
            assertEquals(vocab, scores.length);
            assertEquals(GgufValueType.FLOAT32, f.getArray("tokenizer.ggml.scores").elementType());

            int[] types = f.getIntArray("tokenizer.ggml.token_type");
            assertEquals(vocab, types.length);
            assertEquals(2, types[0]); // unknown
            assertEquals(3, types[1]); // control
            assertEquals(3, types[2]);
            int bytes = 0;
            for (int t : types) {
                bytes += t == 6 ? 1 : 0;
            }
            assertEquals(256, bytes);
            assertEquals(1, f.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(2, f.getLong("tokenizer.ggml.eos_token_id"));
            assertTrue(f.getBoolean("tokenizer.ggml.add_bos_token"));
            assertFalse(f.getBoolean("tokenizer.ggml.add_eos_token"));

            // Typed getters name the key and both types.
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> f.getFloatArray("tokenizer.ggml.tokens"));
            assertTrue(e.getMessage().contains("tokenizer.ggml.tokens") && e.getMessage().contains("STRING"), e.getMessage());
            e = assertThrows(GgufFormatException.class, () -> f.getString("llama.vocab_size"));
            assertTrue(e.getMessage().contains("expected STRING, found UINT32"), e.getMessage());
        }
    }

    @Test
    void closedFileRefusesData() throws IOException {
        Path p = testdata("mamba2-tiny-f32.gguf");
        GgufFile f = GgufFile.open(p);
        GgufTensorInfo t = f.tensors().get(0);
        MemorySegment before = f.tensorData(t);
        f.close();
        f.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.tensorData(t));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, f::segment);
        assertThrows(IllegalStateException.class, () -> before.get(ValueLayout.JAVA_BYTE, 0));
        // Metadata stays readable: it lives on the heap.
        assertEquals("mamba2", f.architecture());
    }
}
