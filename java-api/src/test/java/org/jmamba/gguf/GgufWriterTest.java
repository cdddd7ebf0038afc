package org.jmamba.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.jmamba.gguf.GgufValue.Array;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The writer: round trips through the reader, byte-exact output against independent images, failure handling. */
class GgufWriterTest {
    @TempDir
    Path dir;

    /** Metadata with every value type, nested and empty arrays, empty and non-ASCII strings and keys. */
    static Map<String, GgufValue> everyValue() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", new GgufValue.Str("mamba2"));
        m.put("u8", new GgufValue.UInt8(255));
        m.put("i8", new GgufValue.Int8(Byte.MIN_VALUE));
        m.put("u16", new GgufValue.UInt16(0));
        m.put("i16", new GgufValue.Int16(Short.MIN_VALUE));
        m.put("u32", new GgufValue.UInt32(0xFFFF_FFFFL));
        m.put("i32", new GgufValue.Int32(Integer.MIN_VALUE));
        m.put("f32", new GgufValue.Float32(-0.0f));
        m.put("f32.nan", new GgufValue.Float32(Float.NaN));
        m.put("bool.true", new GgufValue.Bool(true));
        m.put("bool.false", new GgufValue.Bool(false));
        m.put("str.empty", new GgufValue.Str(""));
        m.put("str.unicode", new GgufValue.Str("\u00dcn\u00efc\u00f8d\u00e9 \u2713 \ud83d\ude42 \u4e2d\u6587 \u0000nul"));
        m.put("\u043a\u043b\u044e\u0447.\ud83d\udd11", new GgufValue.Str("\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435"));
        m.put("u64", new GgufValue.UInt64(-1L));
        m.put("i64", new GgufValue.Int64(Long.MIN_VALUE));
        m.put("f64", new GgufValue.Float64(Math.PI));
        m.put("arr.u8", Array.of(GgufValueType.UINT8, new GgufValue.UInt8(0), new GgufValue.UInt8(255)));
        m.put("arr.i8", Array.of(GgufValueType.INT8, new GgufValue.Int8((byte) -1)));
        m.put("arr.u16", Array.of(GgufValueType.UINT16, new GgufValue.UInt16(65535)));
        m.put("arr.i16", Array.of(GgufValueType.INT16, new GgufValue.Int16((short) -2)));
        m.put("arr.u32", Array.of(GgufValueType.UINT32, new GgufValue.UInt32(7), new GgufValue.UInt32(1L << 31)));
        m.put("arr.i32", Array.ofInts(1, -2, 3));
        m.put("arr.f32", Array.ofFloats(0.5f, Float.NEGATIVE_INFINITY));
        m.put("arr.bool", Array.of(GgufValueType.BOOL, new GgufValue.Bool(true), new GgufValue.Bool(false)));
        m.put("arr.str", Array.ofStrings(List.of("", "a", "\u00df\ud83d\ude00")));
        m.put("arr.u64", Array.of(GgufValueType.UINT64, new GgufValue.UInt64(-2L)));
        m.put("arr.i64", Array.ofLongs(Long.MAX_VALUE, -1));
        m.put("arr.f64", Array.of(GgufValueType.FLOAT64, new GgufValue.Float64(-1e300)));
        m.put("arr.empty.str", Array.ofStrings(List.of()));
        m.put("arr.empty.arr", Array.of(GgufValueType.ARRAY));
        m.put("arr.nested", Array.of(GgufValueType.ARRAY,
                Array.ofInts(1, 2),
                Array.ofStrings(List.of("x")),
                Array.of(GgufValueType.ARRAY, Array.ofFloats(1.5f)),
                Array.of(GgufValueType.UINT8)));
        m.put("arr.deep", deep(GgufValue.MAX_ARRAY_DEPTH));
        return m;
    }

    static Array deep(int depth) {
        Array a = Array.of(GgufValueType.UINT8, new GgufValue.UInt8(9));
        for (int i = 1; i < depth; i++) {
            a = Array.of(GgufValueType.ARRAY, a);
        }
        return a;
    }

    record Tensor(String name, GgmlType type, long[] shape, byte[] data) {}

    /** Tensors of several types, with random bytes of the right size for each. */
    static List<Tensor> someTensors(long seed) {
        Random r = new Random(seed);
        List<Tensor> ts = new ArrayList<>();
        Object[][] specs = {
            {"f32", GgmlType.F32, new long[] {5, 3}, 60},
            {"f16", GgmlType.F16, new long[] {7}, 14},
            {"q8_0", GgmlType.Q8_0, new long[] {64, 2}, 4 * 34},
            {"q4_k", GgmlType.Q4_K, new long[] {256, 3}, 3 * 144},
            {"empty", GgmlType.F32, new long[] {0, 4}, 0},
            {"bf16.3d", GgmlType.BF16, new long[] {2, 3, 4}, 48},
            {"i8.4d", GgmlType.I8, new long[] {1, 2, 3, 4}, 24},
        };
        for (Object[] s : specs) {
            byte[] data = new byte[(Integer) s[3]];
            r.nextBytes(data);
            ts.add(new Tensor((String) s[0], (GgmlType) s[1], (long[]) s[2], data));
        }
        return ts;
    }

    /** Writes {@code meta} and {@code tensors}: every other tensor whole, the others in 5-byte chunks. */
    static void write(Path target, int alignment, Map<String, GgufValue> meta, List<Tensor> tensors) throws IOException {
        try (GgufWriter w = GgufWriter.create(target)) {
            w.alignment(alignment);
            meta.forEach(w::put);
            for (Tensor t : tensors) {
                w.addTensor(t.name(), t.type(), t.shape());
            }
            for (int i = 0; i < tensors.size(); i++) {
                Tensor t = tensors.get(i);
                MemorySegment data = MemorySegment.ofArray(t.data());
                if (i % 2 == 0) {
                    w.writeTensor(t.name(), data);
                } else {
                    try (TensorSink sink = w.beginTensor(t.name())) {
                        for (long at = 0; at < data.byteSize(); at += 5) {
                            sink.write(data.asSlice(at, Math.min(5, data.byteSize() - at)));
                        }
                        assertEquals(0, sink.remaining());
                        sink.finish();
                    }
                }
            }
            w.commit();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 64, 1, 4096})
    void roundTripsEveryValueTypeAndSeveralTensorTypes(int alignment) throws IOException {
        Path target = dir.resolve("round.gguf");
        Map<String, GgufValue> meta = everyValue();
        List<Tensor> tensors = someTensors(alignment);
        write(target, alignment, meta, tensors);
        assertEquals(List.of(target), listDir(), "no temporary file is left");

        try (GgufFile f = GgufFile.open(target)) {
            assertEquals(3, f.version());
            assertEquals(alignment, f.alignment());
            Map<String, GgufValue> expected = new LinkedHashMap<>(meta);
            if (alignment != 32) { // written as llama.cpp does
                expected.put("general.alignment", new GgufValue.UInt32(alignment));
            }
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(f.metadata().keySet()));
            assertEquals(expected, f.metadata());
            assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(f.getFloat("f32")));
            assertTrue(Float.isNaN(f.getFloat("f32.nan")));
            assertEquals(0, f.dataOffset() % alignment);

            assertEquals(tensors.size(), f.tensors().size());
            long end = 0;
            for (int i = 0; i < tensors.size(); i++) {
                Tensor t = tensors.get(i);
                GgufTensorInfo info = f.tensors().get(i);
                assertEquals(t.name(), info.name());
                assertEquals(t.type(), info.type());
                assertArrayEquals(t.shape(), info.shape());
                assertEquals(t.data().length, info.byteSize());
                assertEquals(0, info.offset() % alignment, t.name());
                assertTrue(info.offset() >= end, "in order, apart");
                end = info.offset() + info.byteSize();
                assertEquals(-1, f.tensorData(info).mismatch(MemorySegment.ofArray(t.data())), t.name());
            }
            assertEquals(f.dataOffset() + (end + alignment - 1) / alignment * alignment, f.fileSize(), "end padded");
        }
    }

    /** The writer's bytes equal a GGUF image built by hand, field by field (plus ggml's final padding). */
    @Test
    void writesExactlyTheHandBuiltImage() throws IOException {
        byte[] expected = new ByteImage().raw(GgufReaderTest.everyTypeImage(3)).pad(32).bytes();
        Path target = dir.resolve("hand.gguf");
        try (GgufWriter w = GgufWriter.create(target)) {
            w.putString("general.architecture", "mamba2").putU8("u8", 200).putI8("i8", (byte) -5)
                    .putU16("u16", 65535).putI16("i16", (short) -300).putU32("u32", 4_000_000_000L)
                    .putI32("i32", -2_000_000_000).putF32("f32", 1.5f).putBool("bool", true)
                    .putString("str", "h\u00e9llo \u2713 \ud83d\ude00").putString("empty", "")
                    .putU64("u64", -1L).putI64("i64", Long.MIN_VALUE).putF64("f64", -2.25)
                    .putIntArray("arr.i32", new int[] {1, -2, 3})
                    .putStringArray("arr.str", List.of("a", "\u00df"))
                    .putFloatArray("arr.empty", new float[0])
                    .put("arr.nested", Array.of(GgufValueType.ARRAY,
                            Array.of(GgufValueType.UINT8, new GgufValue.UInt8(1), new GgufValue.UInt8(2)),
                            Array.ofStrings(List.of("x"))));
            w.addTensor("a", GgmlType.F32, 2, 3).addTensor("b", GgmlType.Q8_0, 32);
            ByteImage a = new ByteImage();
            for (int i = 0; i < 6; i++) {
                a.f32(i);
            }
            w.writeTensor("a", MemorySegment.ofArray(a.bytes()));
            w.writeTensor("b", MemorySegment.ofArray(new ByteImage().ramp(34, 1).bytes()));
            w.commit();
        }
        assertArrayEquals(expected, Files.readAllBytes(target));
    }

    /** Without tensors the file ends right after the header, as ggml writes it. */
    @Test
    void fileWithoutTensorsEndsAfterItsHeader() throws IOException {
        Path target = dir.resolve("meta.gguf");
        try (GgufWriter w = GgufWriter.create(target)) {
            w.putU32("k", 7).commit();
        }
        assertArrayEquals(GgufReaderTest.oneKey(3).bytes(), Files.readAllBytes(target));
        try (GgufFile f = GgufFile.open(target)) {
            assertEquals(f.fileSize(), f.dataOffset());
        }
    }

    /** Copying llama.cpp's files through the reader and the writer gives them back byte for byte. */
    @ParameterizedTest
    @ValueSource(strings = {"mamba2-tiny-f32.gguf", "mamba2-tiny-q8_0.gguf", "ggml-vocab-llama-spm.gguf"})
    void rewritesLlamaCppFilesByteForByte(String name) throws IOException {
        Path source = GgufLlamaFilesTest.testdata(name);
        Path copy = dir.resolve(name);
        try (GgufFile in = GgufFile.open(source); GgufWriter out = GgufWriter.create(copy)) {
            in.metadata().forEach(out::put);
            for (GgufTensorInfo t : in.tensors()) {
                out.addTensor(t.name(), t.type(), t.shape());
            }
            for (GgufTensorInfo t : in.tensors()) {
                out.writeTensor(t.name(), in.tensorData(t));
            }
            out.commit();
        }
        assertEquals(-1, Files.mismatch(source, copy));
    }

    /** A tensor bigger than the writer's buffer, in odd-sized chunks, then one more tensor. */
    @Test
    void streamsBigTensorsInChunks() throws IOException {
        int n = 3 * GgufWriter.BUFFER_BYTES / 4 + 3; // F32 values: a bit over 3 buffers
        byte[] big = new byte[n * 4];
        new Random(7).nextBytes(big);
        byte[] small = {1, 2, 3, 4, 5, 6, 7, 8};
        Path target = dir.resolve("big.gguf");
        try (GgufWriter w = GgufWriter.create(target)) {
            w.addTensor("big", GgmlType.F32, n).addTensor("small", GgmlType.I16, 4);
            try (TensorSink sink = w.beginTensor("big")) {
                assertEquals(big.length, sink.byteSize());
                MemorySegment all = MemorySegment.ofArray(big);
                for (long at = 0; at < big.length; at += 100_003) {
                    sink.write(all.asSlice(at, Math.min(100_003, big.length - at)));
                }
                assertEquals(big.length, sink.written());
            }
            assertFalse(Files.exists(target), "nothing at the target before commit");
            w.writeTensor("small", MemorySegment.ofArray(small));
            w.commit();
        }
        try (GgufFile f = GgufFile.open(target)) {
            assertEquals(-1, f.tensorData(f.tensor("big").orElseThrow()).mismatch(MemorySegment.ofArray(big)));
            GgufTensorInfo s = f.tensor("small").orElseThrow();
            assertEquals(0, s.offset() % 32);
            assertEquals(-1, f.tensorData(s).mismatch(MemorySegment.ofArray(small)));
        }
    }

    @Test
    void closeWithoutCommitLeavesNothing() throws IOException {
        Path target = dir.resolve("never.gguf");
        try (GgufWriter w = GgufWriter.create(target)) {
            w.putString("general.architecture", "mamba2").addTensor("t", GgmlType.F32, 4);
            w.writeTensor("t", MemorySegment.ofArray(new byte[16]));
            assertEquals(List.of(w.tempFile()), listDir());
            assertEquals(dir, w.tempFile().getParent());
        }
        assertEquals(List.of(), listDir());
    }

    @Test
    void commitReplacesAnExistingTarget() throws IOException {
        Path target = dir.resolve("model.gguf");
        Files.writeString(target, "old contents");
        try (GgufWriter w = GgufWriter.create(target)) {
            w.putU32("k", 7);
            assertEquals("old contents", Files.readString(target));
            w.commit();
            IllegalStateException e = assertThrows(IllegalStateException.class, w::commit);
            assertTrue(e.getMessage().contains("committed or closed"), e.getMessage());
        }
        assertArrayEquals(GgufReaderTest.oneKey(3).bytes(), Files.readAllBytes(target));
        assertEquals(List.of(target), listDir());
    }

    // ---- failures leave the target untouched ---------------------------------------------------

    /** A file channel that fails: writes once more than {@code writeLimit} bytes went out, or force(). */
    static final class FailingChannel extends FileChannel {
        private final FileChannel delegate;
        private final long writeLimit;
        private final boolean failForce;
        private long written;

        FailingChannel(FileChannel delegate, long writeLimit, boolean failForce) {
            this.delegate = delegate;
            this.writeLimit = writeLimit;
            this.failForce = failForce;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (written + src.remaining() > writeLimit) {
                throw new IOException("No space left on device");
            }
            int n = delegate.write(src);
            written += n;
            return n;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (failForce) {
                throw new IOException("Input/output error");
            }
            delegate.force(metaData);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }
    }

    private GgufWriter failingWriter(Path target, long writeLimit, boolean failForce) throws IOException {
        return GgufWriter.create(target, temp -> new FailingChannel(
                FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), writeLimit, failForce));
    }

    @Test
    void failedWriteLeavesTargetUntouched() throws IOException {
        Path target = dir.resolve("model.gguf");
        Files.writeString(target, "old contents");
        byte[] big = new byte[3 * GgufWriter.BUFFER_BYTES];
        try (GgufWriter w = failingWriter(target, GgufWriter.BUFFER_BYTES + 100, false)) {
            w.putString("general.architecture", "mamba2").addTensor("t", GgmlType.I8, big.length);
            IOException e = assertThrows(IOException.class, () -> w.writeTensor("t", MemorySegment.ofArray(big)));
            assertEquals("writing " + target + ": No space left on device", e.getMessage()); // the target, never the temp
            IllegalStateException after = assertThrows(IllegalStateException.class, w::commit);
            assertEquals(e, after.getCause());
            assertThrows(IllegalStateException.class, () -> w.beginTensor("t"));
        }
        assertEquals("old contents", Files.readString(target));
        assertEquals(List.of(target), listDir());
    }

    @Test
    void failedFinalFlushOrForceLeavesTargetUntouched() throws IOException {
        Path target = dir.resolve("model.gguf");
        Files.writeString(target, "old contents");
        try (GgufWriter w = failingWriter(target, 100, false)) {
            w.putString("general.architecture", "mamba2").addTensor("t", GgmlType.F32, 64);
            w.writeTensor("t", MemorySegment.ofArray(new byte[256])); // still in the buffer
            assertThrows(IOException.class, w::commit);
        }
        try (GgufWriter w = failingWriter(target, Long.MAX_VALUE, true)) {
            w.putU32("k", 7);
            IOException e = assertThrows(IOException.class, w::commit);
            assertEquals("writing " + target + ": Input/output error", e.getMessage());
        }
        assertEquals("old contents", Files.readString(target));
        assertEquals(List.of(target), listDir());
    }

    @Test
    void wrongByteCountsAreRefusedAndLeaveTargetUntouched() throws IOException {
        Path target = dir.resolve("model.gguf");
        Files.writeString(target, "old contents");
        try (GgufWriter w = GgufWriter.create(target)) {
            w.addTensor("a", GgmlType.F32, 4).addTensor("b", GgmlType.F32, 4);
            assertThrows(IllegalArgumentException.class, () -> w.writeTensor("a", MemorySegment.ofArray(new byte[15])));
            assertThrows(IllegalArgumentException.class, () -> w.writeTensor("a", MemorySegment.ofArray(new byte[17])));
            try (TensorSink sink = w.beginTensor("a")) {
                sink.write(MemorySegment.ofArray(new byte[10]));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> sink.write(MemorySegment.ofArray(new byte[7])));
                assertTrue(e.getMessage().contains("would pass its size of 16 bytes"), e.getMessage());
                assertEquals(10, sink.written());
                IllegalStateException short_ = assertThrows(IllegalStateException.class, sink::finish);
                assertTrue(short_.getMessage().contains("only 10 of its 16 bytes"), short_.getMessage());
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.beginTensor("b"));
            assertTrue(e.getMessage().contains("tensor 'a' got 10 of its 16 bytes"), e.getMessage());
            e = assertThrows(IllegalStateException.class, w::commit);
            assertTrue(e.getMessage().contains("tensor 'a' got 10 of its 16 bytes"), e.getMessage());
        }
        assertEquals("old contents", Files.readString(target));
        assertEquals(List.of(target), listDir());

        try (GgufWriter w = GgufWriter.create(target)) {
            w.addTensor("a", GgmlType.F32, 4).addTensor("b", GgmlType.F32, 4);
            w.writeTensor("a", MemorySegment.ofArray(new byte[16]));
            IllegalStateException e = assertThrows(IllegalStateException.class, w::commit);
            assertTrue(e.getMessage().contains("tensor 'b' was never written"), e.getMessage());
        }
        assertEquals("old contents", Files.readString(target));
    }

    @Test
    void declarationAndOrderRules() throws IOException {
        Path target = dir.resolve("rules.gguf");
        try (GgufWriter w = GgufWriter.create(target)) {
            w.putU32("k", 1);
            assertThrows(IllegalArgumentException.class, () -> w.putU32("k", 2), "duplicate key");
            assertThrows(IllegalArgumentException.class, () -> w.putU32("", 2), "empty key");
            assertThrows(IllegalArgumentException.class, () -> w.putU32("bad\ud800key", 2), "unpaired surrogate");
            assertThrows(IllegalArgumentException.class, () -> w.putU32("neg", -1), "UINT32 range");
            assertThrows(IllegalArgumentException.class, () -> w.put("deep", deep(GgufValue.MAX_ARRAY_DEPTH + 1)));
            assertThrows(IllegalArgumentException.class, () -> w.alignment(0));
            assertThrows(IllegalArgumentException.class, () -> w.alignment(48));
            assertThrows(IllegalArgumentException.class, () -> w.put("general.alignment", new GgufValue.UInt64(32)));
            assertThrows(IllegalArgumentException.class, () -> w.put("general.alignment", new GgufValue.UInt32(48)));
            w.put("general.alignment", new GgufValue.UInt32(64));
            w.alignment(128); // updates the key where it stands

            w.addTensor("a", GgmlType.Q8_0, 32, 2).addTensor("b", GgmlType.F16, 2);
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("a", GgmlType.F32, 1), "duplicate tensor");
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("c", GgmlType.Q8_0, 33));
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("c", GgmlType.F32));
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("c", GgmlType.F32, 1, 1, 1, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("c", GgmlType.F32, -1));
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("c".repeat(64), GgmlType.F32, 1));
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("c", GgmlType.F32, 1L << 32, 1L << 32));

            assertThrows(IllegalArgumentException.class, () -> w.beginTensor("nope"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.beginTensor("b"));
            assertTrue(e.getMessage().contains("next is 'a', not 'b'"), e.getMessage());
            TensorSink sink = w.beginTensor("a");
            assertThrows(IllegalStateException.class, () -> w.beginTensor("b"), "a's sink is still open");
            assertThrows(IllegalStateException.class, w::commit, "a's sink is still open");
            sink.write(MemorySegment.ofArray(new byte[68]));
            sink.close();
            assertThrows(IllegalStateException.class, () -> sink.write(MemorySegment.ofArray(new byte[0])));
            assertThrows(IllegalStateException.class, () -> w.putU32("late", 1), "metadata after data");
            assertThrows(IllegalStateException.class, () -> w.addTensor("late", GgmlType.F32, 1));
            assertThrows(IllegalStateException.class, () -> w.alignment(32));
            e = assertThrows(IllegalStateException.class, () -> w.beginTensor("a"));
            assertTrue(e.getMessage().contains("already written"), e.getMessage());
            w.writeTensor("b", MemorySegment.ofArray(new byte[4]));
            w.commit();
        }
        try (GgufFile f = GgufFile.open(target)) {
            assertEquals(128, f.alignment());
            assertEquals(List.of("k", "general.alignment"), List.copyOf(f.metadata().keySet()));
            assertEquals(128, f.tensor("b").orElseThrow().offset());
        }
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
