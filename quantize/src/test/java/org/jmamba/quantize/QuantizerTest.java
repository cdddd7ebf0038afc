package org.jmamba.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufFormatException;
import org.jmamba.testkit.RandomMamba2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantizer on small random models: which tensor gets which type, metadata, logits, refusals. */
class QuantizerTest {
    /** d_model 64: every big matrix has rows of 64 or 128, so the K-quants fall back. */
    static final RandomMamba2.Shape SMALL = new RandomMamba2.Shape(300, 64, 2, 128, 16, 8, 2, 4, false);
    /** d_model 256: rows fit the K-quants' blocks. */
    static final RandomMamba2.Shape WIDE = new RandomMamba2.Shape(320, 256, 2, 512, 16, 8, 2, 4, false);
    static final int[] TOKENS = {1, 17, 42, 299, 5, 123, 64, 250, 7, 8, 9, 100};

    @TempDir
    static Path dir;
    static Path small, wide, tiedWide;

    @BeforeAll
    static void models() throws IOException {
        small = dir.resolve("small-f32.gguf");
        RandomMamba2.write(small, new RandomMamba2.Spec(SMALL, GgmlType.F32, 11));
        wide = dir.resolve("wide-f32.gguf");
        RandomMamba2.write(wide, new RandomMamba2.Spec(WIDE, GgmlType.F32, 12));
        tiedWide = dir.resolve("tied-f32.gguf");
        RandomMamba2.Shape tied = new RandomMamba2.Shape(320, 256, 1, 512, 16, 8, 2, 4, true);
        RandomMamba2.write(tiedWide, new RandomMamba2.Spec(tied, GgmlType.F32, 13));
    }

    static Quantizer.Result run(Path in, String out, Quantizer.Options o) throws IOException {
        return Quantizer.quantize(in, dir.resolve(out), o, Progress.NONE);
    }

    static Map<String, GgmlType> plan(Path in, Quantizer.Options o) throws IOException {
        try (GgufFile f = GgufFile.open(in)) {
            return new Quantizer.Result(in, in, o.type(), Quantizer.plan(f, o), 0, 0, 0).types();
        }
    }

    @Test
    void q4kmOnAModelWithRowsOf64FallsBackAndSaysSo() throws IOException {
        Quantizer.Result r = run(small, "small-q4km.gguf", Quantizer.Options.of(FileType.Q4_K_M));
        Map<String, GgmlType> t = r.types();
        assertEquals(GgmlType.Q5_0, t.get("token_embd.weight"));
        assertEquals(GgmlType.Q8_0, t.get("output.weight"));
        assertEquals(GgmlType.Q5_0, t.get("blk.0.ssm_in.weight"));
        assertEquals(GgmlType.Q5_0, t.get("blk.1.ssm_out.weight"));
        for (String n : List.of("blk.0.ssm_conv1d.weight", "blk.0.ssm_conv1d.bias", "blk.0.ssm_a", "blk.0.ssm_d",
                "blk.0.ssm_dt.bias", "blk.0.ssm_norm.weight", "blk.0.attn_norm.weight", "output_norm.weight")) {
            assertEquals(GgmlType.F32, t.get(n), n);
        }
        assertEquals(5, r.fallbacks().size(), r.describe());
        String s = r.describe();
        System.out.print(s);
        assertTrue(s.contains("5 of 21 tensors needed a fallback type"), s);
        assertTrue(s.contains("blk.0.ssm_in.weight"), s);
        try (GgufFile f = GgufFile.open(r.output()); GgufFile in = GgufFile.open(small)) {
            assertEquals(15, f.getInt("general.file_type"));
            assertEquals(2, f.getInt("general.quantization_version"));
            assertEquals(Version.tool(), f.getString("general.quantized_by"));
            assertEquals("mamba2", f.architecture());
            assertEquals(in.getString("general.name"), f.getString("general.name"));
            assertArrayEquals(in.getStringArray("tokenizer.ggml.tokens"), f.getStringArray("tokenizer.ggml.tokens"));
            assertEquals(in.getInt("mamba2.ssm.group_count"), f.getInt("mamba2.ssm.group_count"));
            assertEquals(GgmlType.Q5_0, f.tensor("blk.0.ssm_in.weight").orElseThrow().type());
            // F32 tensors copied byte for byte
            assertEquals(in.tensorData(in.tensor("blk.1.ssm_a").orElseThrow()).asByteBuffer(),
                    f.tensorData(f.tensor("blk.1.ssm_a").orElseThrow()).asByteBuffer());
        }
        double err = TestUtil.relL2(TestUtil.logits(small, TOKENS), TestUtil.logits(r.output(), TOKENS));
        System.out.printf(Locale.ROOT, "small model Q4_K_M (all fallbacks): logits relative L2 %.4f%n", err);
        assertTrue(err < 0.1, "relative L2 " + err);
    }

    @Test
    void q4_0GetsAQ6kOutputUnlessPure() throws IOException {
        Map<String, GgmlType> t = plan(wide, Quantizer.Options.of(FileType.Q4_0));
        assertEquals(GgmlType.Q6_K, t.get("output.weight"));
        assertEquals(GgmlType.Q4_0, t.get("token_embd.weight"));
        assertEquals(GgmlType.Q4_0, t.get("blk.1.ssm_in.weight"));
        Map<String, GgmlType> pure = plan(wide, Quantizer.Options.of(FileType.Q4_0).withPure(true));
        assertEquals(GgmlType.Q4_0, pure.get("output.weight"));
        Map<String, GgmlType> km = plan(wide, Quantizer.Options.of(FileType.Q4_K_M));
        assertEquals(GgmlType.Q6_K, km.get("output.weight"));
        assertEquals(GgmlType.Q4_K, km.get("token_embd.weight"));
        assertEquals(GgmlType.Q4_K, km.get("blk.0.ssm_in.weight"));
        assertEquals(GgmlType.Q4_K, km.get("blk.0.ssm_out.weight"));
        Map<String, GgmlType> tied = plan(tiedWide, Quantizer.Options.of(FileType.Q4_K_M));
        assertEquals(GgmlType.Q6_K, tied.get("token_embd.weight"));
        // and written for real, when the kernels are there
        assumeTrue(TestUtil.canQuantize(GgmlType.Q6_K), "no Q6_K kernel yet");
        Quantizer.Result r = run(wide, "wide-q4_0.gguf", Quantizer.Options.of(FileType.Q4_0));
        assertEquals(GgmlType.Q6_K, r.types().get("output.weight"));
        System.out.print(r.describe());
    }

    @Test
    void pureAndTensorTypeOnARealFile() throws IOException {
        Quantizer.Result r = run(small, "small-pure.gguf", Quantizer.Options.of(FileType.Q4_0).withPure(true)
                .withOverrides(List.of(QuantPolicy.TensorType.parse("ssm_out=q8_0"), QuantPolicy.TensorType.parse("blk\\.1\\.ssm_in=f16"))));
        Map<String, GgmlType> t = r.types();
        assertEquals(GgmlType.Q4_0, t.get("output.weight"));
        assertEquals(GgmlType.Q4_0, t.get("token_embd.weight"));
        assertEquals(GgmlType.Q4_0, t.get("blk.0.ssm_in.weight"));
        assertEquals(GgmlType.F16, t.get("blk.1.ssm_in.weight"));
        assertEquals(GgmlType.Q8_0, t.get("blk.0.ssm_out.weight"));
        assertEquals(GgmlType.Q8_0, t.get("blk.1.ssm_out.weight"));
        assertTrue(r.describe().contains("--tensor-type ssm_out=Q8_0"), r.describe());
        try (GgufFile f = GgufFile.open(r.output())) {
            assertEquals(GgmlType.F16, f.tensor("blk.1.ssm_in.weight").orElseThrow().type());
            assertEquals(2, f.getInt("general.file_type"));
        }
        // the mixed Q4_0 / Q8_0 / F16 file computes what the reference computes from its own weights
        // (each matmul's input rounded as its type's dot product takes it)
        float[] ours = TestUtil.logits(r.output(), TOKENS);
        org.jmamba.reference.ReferenceMamba2 ref = org.jmamba.reference.ReferenceMamba2.load(r.output(),
                org.jmamba.reference.ReferenceMamba2.Options.ROUNDED);
        int v = ours.length / TOKENS.length;
        double worst = 0;
        for (int i = 0; i < TOKENS.length; i++) worst = Math.max(worst, TestUtil.relL2(ref.step(TOKENS[i]), ours, i * v));
        System.out.printf(Locale.ROOT, "mixed Q4_0/Q8_0/F16 file against the rounded reference: worst position %.3g%n", worst);
        assertTrue(worst <= MIXED_BOUND, "mixed-type file: relative L2 " + worst + " from the reference > " + MIXED_BOUND);
    }

    /** 1.3x the measured worst position (3.44e-8) of the mixed-type file against the reference. */
    static final double MIXED_BOUND = 4.5e-8;

    @Test
    void quantizedModelsStayCloseToF32() throws IOException {
        float[] ref = TestUtil.logits(small, TOKENS);
        for (FileType ft : List.of(FileType.F16, FileType.BF16, FileType.Q8_0, FileType.Q5_1, FileType.Q5_0, FileType.Q4_1, FileType.Q4_0)) {
            Quantizer.Result r = run(small, "small-" + ft + ".gguf", Quantizer.Options.of(ft));
            double err = TestUtil.relL2(ref, TestUtil.logits(r.output(), TOKENS));
            System.out.printf(Locale.ROOT, "small model %-5s: %s -> %s, %.2f bpw, logits relative L2 %.4f%n",
                    ft, Summary.size(r.bytesIn()), Summary.size(r.bytesOut()), r.bpwOut(), err);
            // 1.3x the measured (F16 0.0005, BF16 0.0040, Q8_0 0.0116, Q5_1 0.0557, Q5_0 0.0553, Q4_1 0.1088,
            // Q4_0 0.1171: the quantization error of the weights; +0.00005 for the printed rounding)
            double bound = switch (ft) {
                case F16 -> 7.2e-4; case BF16 -> 5.3e-3; case Q8_0 -> 0.0152; case Q5_1 -> 0.0725; case Q5_0 -> 0.0720;
                case Q4_1 -> 0.1415; case Q4_0 -> 0.1523; default -> throw new IllegalArgumentException(ft.toString());
            };
            assertTrue(err < bound, ft + ": relative L2 " + err + " >= " + bound);
        }
    }

    @Test
    void kQuantMixOnAWideModel() throws IOException {
        assumeTrue(TestUtil.canQuantize(GgmlType.Q4_K) && TestUtil.canQuantize(GgmlType.Q6_K), "no K-quant kernels yet");
        float[] ref = TestUtil.logits(wide, TOKENS);
        for (FileType ft : List.of(FileType.Q4_K_M, FileType.Q8_0, FileType.Q4_0, FileType.Q6_K, FileType.Q5_K_M, FileType.Q3_K_M, FileType.Q2_K)) {
            Quantizer.Result r = run(wide, "wide-" + ft + ".gguf", Quantizer.Options.of(ft));
            assertTrue(r.fallbacks().isEmpty(), r.describe());
            double err = TestUtil.relL2(ref, TestUtil.logits(r.output(), TOKENS));
            System.out.printf(Locale.ROOT, "wide model %-6s: %s -> %s, %.2f bpw, logits relative L2 %.4f%n",
                    ft, Summary.size(r.bytesIn()), Summary.size(r.bytesOut()), r.bpwOut(), err);
            // 1.3x the measured (Q4_K_M 0.0878, Q8_0 0.0118, Q4_0 0.1137, Q6_K 0.0289, Q5_K_M 0.0474,
            // Q3_K_M 0.2167, Q2_K 0.3654; +0.00005 for the printed rounding)
            double bound = switch (ft) {
                case Q4_K_M -> 0.1142; case Q8_0 -> 0.0154; case Q4_0 -> 0.1479; case Q6_K -> 0.0376; case Q5_K_M -> 0.0617;
                case Q3_K_M -> 0.2818; case Q2_K -> 0.4751; default -> throw new IllegalArgumentException(ft.toString());
            };
            assertTrue(err < bound, ft + ": relative L2 " + err);
        }
    }

    @Test
    void quantizedInputIsRefusedUnlessAllowed() throws IOException {
        Quantizer.Result q8 = run(small, "small-q8-for-requant.gguf", Quantizer.Options.of(FileType.Q8_0));
        Path out = dir.resolve("requant.gguf");
        QuantizeException e = assertThrows(QuantizeException.class,
                () -> Quantizer.quantize(q8.output(), out, Quantizer.Options.of(FileType.Q4_0), Progress.NONE));
        assertTrue(e.getMessage().contains("already quantized") && e.getMessage().contains("--allow-requantize"), e.getMessage());
        assertTrue(Files.notExists(out));
        Quantizer.Result r = Quantizer.quantize(q8.output(), out, Quantizer.Options.of(FileType.Q4_0).withAllowRequantize(true), Progress.NONE);
        assertEquals(GgmlType.Q4_0, r.types().get("blk.0.ssm_in.weight"));
        assertEquals(GgmlType.Q8_0, r.types().get("output.weight")); // Q6_K falls back to Q8_0: same type, copied
        TestUtil.logits(out, TOKENS);
    }

    @Test
    void badInputsFailClearlyAndLeaveNothing(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out.gguf");
        assertThrows(NoSuchFileException.class,
                () -> Quantizer.quantize(tmp.resolve("missing.gguf"), out, Quantizer.Options.of(FileType.Q8_0), Progress.NONE));
        Path junk = Files.write(tmp.resolve("junk.gguf"), "not a gguf file at all".getBytes());
        assertThrows(GgufFormatException.class, () -> Quantizer.quantize(junk, out, Quantizer.Options.of(FileType.Q8_0), Progress.NONE));
        QuantizeException same = assertThrows(QuantizeException.class,
                () -> Quantizer.quantize(small, small, Quantizer.Options.of(FileType.Q8_0), Progress.NONE));
        assertTrue(same.getMessage().contains("same file"));
        assertThrows(NoSuchFileException.class,
                () -> Quantizer.quantize(small, tmp.resolve("no/such/dir/out.gguf"), Quantizer.Options.of(FileType.Q8_0), Progress.NONE));
        assertEquals(List.of("junk.gguf"), TestUtil.files(tmp));
    }

    @Test
    void aFullDiskLeavesNoPartialFile(@TempDir Path tmp) throws Exception {
        ChildJvm.Outcome o = ChildJvm.runWithFileSizeLimit(64, QuantizeMain.class,
                small.toString(), tmp.resolve("out.gguf").toString(), "Q8_0");
        assertTrue(o.exitCode() != 0, o.toString());
        assertTrue(o.output().contains("File too large"), o.toString());
        assertEquals(List.of(), TestUtil.files(tmp));
    }

    /** Runs a quantization in a child JVM (for resource limits). */
    public static final class QuantizeMain {
        public static void main(String[] a) {
            try {
                Quantizer.quantize(Path.of(a[0]), Path.of(a[1]), Quantizer.Options.of(FileType.byName(a[2]).orElseThrow()), Progress.NONE);
                System.exit(0);
            } catch (Exception e) {
                System.out.println("error: " + e.getMessage());
                System.exit(1);
            }
        }
    }
}
