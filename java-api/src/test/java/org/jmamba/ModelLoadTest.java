package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufTensorInfo;
import org.jmamba.gguf.GgufValue;
import org.jmamba.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are valid GGUF but not a model we can run: refused with a message naming the problem. */
class ModelLoadTest {
    @TempDir
    Path dir;

    /** A tensor to write: its name, type, shape and bytes. */
    record T(String name, GgmlType type, long[] shape, byte[] data) {}

    /** Copies the small test model, letting the caller change metadata and tensors. */
    Path variant(String name, UnaryOperator<Map<String, GgufValue>> meta, UnaryOperator<java.util.List<T>> tensors)
            throws Exception {
        Path src = TestModels.write(TestModels.small(), GgmlType.F32, 7);
        Path out = dir.resolve(name + ".gguf");
        try (GgufFile f = GgufFile.open(src); GgufWriter w = GgufWriter.create(out)) {
            Map<String, GgufValue> m = new java.util.LinkedHashMap<>(f.metadata());
            m.forEach((k, v) -> {});
            meta.apply(m).forEach(w::put);
            java.util.List<T> ts = new java.util.ArrayList<>();
            for (GgufTensorInfo t : f.tensors()) {
                ts.add(new T(t.name(), t.type(), t.shape(), f.tensorData(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
            }
            java.util.List<T> chosen = tensors.apply(ts);
            for (T t : chosen) w.addTensor(t.name(), t.type(), t.shape());
            for (T t : chosen) w.writeTensor(t.name(), java.lang.foreign.MemorySegment.ofArray(t.data()));
            w.commit();
        }
        return out;
    }

    @Test
    void anotherArchitectureIsNamed() throws Exception {
        Path p = variant("llama", m -> {
            m.put("general.architecture", new GgufValue.Str("llama"));
            return m;
        }, t -> t);
        var e = assertThrows(UnsupportedModelException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("'llama'"), e.getMessage());
        assertTrue(e.getMessage().contains("mamba2"), e.getMessage());
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        Path p = variant("missing", m -> m, t -> t.stream().filter(x -> !x.name().equals("blk.1.ssm_d")).toList());
        var e = assertThrows(MissingTensorException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("blk.1.ssm_d"), e.getMessage());
    }

    @Test
    void aShapeThatDisagreesWithTheMetadataNamesTensorAndBothShapes() throws Exception {
        Path p = variant("shape", m -> {
            m.put("mamba2.ssm.state_size", new GgufValue.UInt32(32));
            return m;
        }, t -> t);
        var e = assertThrows(ShapeMismatchException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("blk.0.ssm_in.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[64, 328]") && e.getMessage().contains("[64, 392]"), e.getMessage());
    }

    @Test
    void aTensorNoMamba2ModelHasIsNamed() throws Exception {
        // before: ignored; llama.cpp refuses a file whose tensor count disagrees with the architecture
        Path p = variant("extra", m -> m, t -> {
            java.util.List<T> ts = new java.util.ArrayList<>(t);
            ts.add(new T("rope_freqs.weight", GgmlType.F32, new long[] {4}, new byte[16]));
            return ts;
        });
        var e = assertThrows(UnsupportedModelException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("rope_freqs.weight"), e.getMessage());
    }

    @Test
    void aTensorNameWithANulByteIsRefusedNotReadAsTheNameBeforeIt() throws Exception {
        // "blk.0.ssm_d\0x" must not pass as blk.0.ssm_d: the library reads a name up to its NUL
        Path p = variant("nul", m -> m, t -> t.stream().map(x -> !x.name().equals("blk.0.ssm_d") ? x
                : new T("blk.0.ssm_d\0x", x.type(), x.shape(), x.data())).toList());
        var e = assertThrows(UnsupportedModelException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("blk.0.ssm_d\\0x") && e.getMessage().contains("NUL"), e.getMessage());
    }

    @Test
    void aLayerPastTheBlockCountIsNamed() throws Exception {
        Path p = variant("layers", m -> {
            m.put("mamba2.block_count", new GgufValue.UInt32(1));
            return m;
        }, t -> t);
        var e = assertThrows(UnsupportedModelException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("blk.1.") && e.getMessage().contains("[0, 1)"), e.getMessage());
    }

    @Test
    void aTypeWeCannotComputeIsNamed() throws Exception {
        Path p = variant("iq", m -> m, t -> t.stream().map(x -> !x.name().equals("blk.0.ssm_out.weight") ? x
                : new T(x.name(), GgmlType.IQ4_NL, x.shape(), new byte[(int) GgmlType.IQ4_NL.rowBytes(x.shape()[0]) * (int) x.shape()[1]]))
                .toList());
        var e = assertThrows(UnsupportedModelException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("blk.0.ssm_out.weight") && e.getMessage().contains("IQ4_NL"), e.getMessage());
    }

    @Test
    void aQuantizedNormIsRefused() throws Exception {
        Path p = variant("f16norm", m -> m, t -> t.stream().map(x -> !x.name().equals("output_norm.weight") ? x
                : new T(x.name(), GgmlType.F16, x.shape(), new byte[(int) x.shape()[0] * 2])).toList());
        var e = assertThrows(UnsupportedModelException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("output_norm.weight") && e.getMessage().contains("F32"), e.getMessage());
    }

    @Test
    void missingHyperParameterIsNamed() throws Exception {
        Path p = variant("nometa", m -> {
            m.remove("mamba2.ssm.inner_size");
            return m;
        }, t -> t);
        var e = assertThrows(org.jmamba.gguf.GgufFormatException.class, () -> Model.load(p));
        assertTrue(e.getMessage().contains("mamba2.ssm.inner_size"), e.getMessage());
    }

    @Test
    void closedModelsRefuseWorkAndCloseTheirSessions() throws Exception {
        Model m = Model.load(TestModels.write(TestModels.small(), GgmlType.F32, 7));
        Session s = m.newSession();
        m.close();
        assertTrue(s.isClosed());
        assertThrows(IllegalStateException.class, m::newSession);
        assertThrows(IllegalStateException.class, () -> s.eval(1));
        m.close(); // idempotent
    }

    @Test
    void aFailedLoadLeavesNothingMapped() throws Exception {
        Path p = variant("missing2", m -> m, t -> t.stream().filter(x -> !x.name().equals("output_norm.weight")).toList());
        for (int i = 0; i < 3; i++) assertThrows(MissingTensorException.class, () -> Model.load(p));
        Files.delete(p); // the mapping was released, so the file can go
    }
}
