package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.jmamba.gguf.GgmlType;
import org.jmamba.testkit.RandomMamba2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State files: round trips, and every damaged or foreign file refused with a clear exception. */
class StateFileTest {
    static final int[] PROMPT = {1, 17, 42, 99, 7, 250, 3, 3, 64, 128, 5, 11};
    static Model model;
    static Path modelFile;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        modelFile = TestModels.write(TestModels.small(), GgmlType.F32, 7);
        model = Model.load(modelFile, Model.Options.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Path saved(String name) throws Exception {
        Path file = dir.resolve(name);
        try (Session s = model.newSession(); State st = (s.eval(PROMPT) != null ? s.snapshot() : null)) {
            st.save(file);
        }
        return file;
    }

    @Test
    void roundTripKeepsStateTokensAndLogits() throws Exception {
        Path file = saved("round.jmstate");
        try (Session s = model.newSession()) {
            float[] logits = s.eval(PROMPT).toArray();
            float[] next = s.eval(8).toArray();
            try (State back = State.load(file, model); Session t = model.newSession()) {
                assertEquals(PROMPT.length, back.position());
                assertArrayEquals(PROMPT, back.tokens().orElseThrow());
                assertArrayEquals(logits, back.logits().orElseThrow(), 0f);
                t.restore(back);
                assertArrayEquals(PROMPT, t.history());
                assertArrayEquals(logits, t.logits().toArray(), 0f);
                assertArrayEquals(next, t.eval(8).toArray(), 0f);
            }
        }
        State.FileInfo info = State.readInfo(file, true);
        assertTrue(info.fingerprint().matches(model.fingerprint()));
        assertEquals(PROMPT.length, info.position());
        assertArrayEquals(PROMPT, info.tokenIds().orElseThrow());
        long expected = 256 + 4L * PROMPT.length + 4L * model.params().nVocab() + model.stateBytes();
        assertEquals(expected, Files.size(file), "the documented layout: header, token ids, logits, state");
    }

    @Test
    void aStateWithoutTokensSavesAndLoads() throws Exception {
        Path file = dir.resolve("bare.jmstate");
        try (Session s = model.newSession(); State st = (s.eval(PROMPT) != null ? s.snapshot() : null);
             State bare = st.withoutTokens()) {
            bare.save(file);
            try (State back = State.load(file, model)) {
                assertTrue(back.tokens().isEmpty());
                assertArrayEquals(st.toFloatArray(), back.toFloatArray(), 0f);
            }
        }
    }

    @Test
    void aSnapshotStillSavesAfterItsModelIsClosed() throws Exception {
        Path file = dir.resolve("after-close.jmstate");
        Path fresh = dir.resolve("fresh-copy.gguf");
        Files.copy(modelFile, fresh);
        State st;
        try (Model m = Model.load(fresh); Session s = m.newSession()) {
            s.eval(PROMPT);
            st = s.snapshot();
        }
        try (st) {
            st.save(file);
        }
        try (State back = State.load(file, model)) {
            assertArrayEquals(PROMPT, back.tokens().orElseThrow());
        }
    }

    @Test
    void aCopyOfTheModelFileLoadsTheState() throws Exception {
        Path file = saved("copy.jmstate");
        Path copy = dir.resolve("renamed-copy.gguf");
        Files.copy(modelFile, copy);
        try (Model m = Model.load(copy); State st = State.load(file, m)) {
            assertEquals(PROMPT.length, st.position());
        }
    }

    @Test
    void aStateOfAnotherModelIsRefusedNamingBothFingerprints() throws Exception {
        Path file = saved("other.jmstate");
        Path sameShape = TestModels.write(TestModels.small(), GgmlType.F32, 8); // other weights
        var otherShape = new RandomMamba2.Shape(300, 64, 1, 128, 16, 8, 2, 4, false);
        for (Path p : List.of(sameShape, TestModels.write(otherShape, GgmlType.F32, 7))) {
            try (Model m = Model.load(p)) {
                var e = assertThrows(StateModelMismatchException.class, () -> State.load(file, m));
                String msg = e.getMessage();
                assertTrue(msg.contains(model.fingerprint().weightsDigest().substring(0, 16)), msg);
                assertTrue(msg.contains(m.fingerprint().weightsDigest().substring(0, 16)), msg);
                assertTrue(msg.contains(file.getFileName().toString()), msg);
                assertTrue(msg.contains(p == sameShape ? "same shape with other weights" : "another shape"), msg);
                // in memory too: a snapshot of this model does not restore into the other
                try (Session s = model.newSession(); State st = s.snapshot(); Session t = m.newSession()) {
                    assertThrows(StateModelMismatchException.class, () -> t.restore(st));
                }
            }
        }
    }

    @Test
    void everyFlippedBitIsCaught() throws Exception {
        Path file = saved("flip.jmstate");
        byte[] good = Files.readAllBytes(file);
        Path bad = dir.resolve("flipped.jmstate");
        int tried = 0;
        for (int off = 0; off < good.length; off += off < 300 ? 1 : 61) {
            byte[] b = good.clone();
            b[off] ^= (byte) (1 << (off % 8));
            Files.write(bad, b);
            int at = off;
            var e = assertThrows(StateFormatException.class, () -> State.load(bad, model).close(), "bit flipped at " + at);
            assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
            tried++;
        }
        byte[] last = good.clone();
        last[last.length - 1] ^= (byte) 0x80;
        Files.write(bad, last);
        assertThrows(StateFormatException.class, () -> State.load(bad, model).close());
        assertTrue(tried > 500, "tried " + tried);
    }

    @Test
    void everyTruncationIsCaught() throws Exception {
        Path file = saved("trunc.jmstate");
        byte[] good = Files.readAllBytes(file);
        Path bad = dir.resolve("truncated.jmstate");
        for (int len = 0; len < good.length; len += len < 300 ? 1 : 97) {
            Files.write(bad, Arrays.copyOf(good, len));
            int n = len;
            var e = assertThrows(StateFormatException.class, () -> State.load(bad, model).close(), "truncated to " + n);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not a jmamba state file"),
                    n + ": " + e.getMessage());
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        Files.write(bad, longer);
        assertThrows(StateFormatException.class, () -> State.load(bad, model).close());
    }

    /** Rewrites header fields and the header checksum, as a file made by hand would have them. */
    static byte[] withHeader(byte[] file, java.util.function.Consumer<ByteBuffer> edit) {
        byte[] b = file.clone();
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(h);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, 252);
        h.putInt(252, (int) crc.getValue());
        return b;
    }

    @Test
    void otherVersionsHostilePositionsAndForeignFilesAreRefusedByName() throws Exception {
        byte[] good = Files.readAllBytes(saved("version.jmstate"));
        Path bad = dir.resolve("edited.jmstate");

        Files.write(bad, withHeader(good, h -> h.putInt(4, 1)));
        var v1 = assertThrows(StateFormatException.class, () -> State.load(bad, model));
        assertTrue(v1.getMessage().contains("version 1") && v1.getMessage().contains("version 2"), v1.getMessage());
        Files.write(bad, withHeader(good, h -> h.putInt(4, 3)));
        var v3 = assertThrows(StateFormatException.class, () -> State.load(bad, model));
        assertTrue(v3.getMessage().contains("version 3 is not supported"), v3.getMessage());

        for (long pos : new long[] {Long.MAX_VALUE, -1, (1L << 48) + 1}) {
            Files.write(bad, withHeader(good, h -> h.putLong(16, pos)));
            var e = assertThrows(StateFormatException.class, () -> State.load(bad, model));
            assertTrue(e.getMessage().contains("position"), e.getMessage());
        }
        Files.write(bad, withHeader(good, h -> h.putInt(12, 4)));
        assertTrue(assertThrows(StateFormatException.class, () -> State.load(bad, model)).getMessage().contains("flags"));

        Files.write(bad, "GGUF not a state".getBytes());
        assertTrue(assertThrows(StateFormatException.class, () -> State.load(bad, model)).getMessage().contains("not a jmamba state file"));
    }

    @Test
    void savingNeverLeavesATemporaryFileOrAHalfWrittenTarget() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("save-target"));
        Path target = sub.resolve("is-a-dir.jmstate");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "x"); // a non-empty folder cannot be replaced
        try (Session s = model.newSession(); State st = (s.eval(PROMPT) != null ? s.snapshot() : null)) {
            var e = assertThrows(java.io.IOException.class, () -> st.save(target));
            assertTrue(e.getMessage().startsWith(target.toString()), e.getMessage());
            assertThrows(java.io.IOException.class, () -> st.save(sub.resolve("missing-folder").resolve("x.jmstate")));
        }
        try (var files = Files.list(sub)) {
            assertEquals(List.of(target), files.toList(), "no temporary file left behind");
        }
    }
}
