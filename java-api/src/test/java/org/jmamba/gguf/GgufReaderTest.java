package org.jmamba.gguf;

import static org.jmamba.gguf.ByteImage.ARRAY;
import static org.jmamba.gguf.ByteImage.BOOL;
import static org.jmamba.gguf.ByteImage.FLOAT32;
import static org.jmamba.gguf.ByteImage.FLOAT64;
import static org.jmamba.gguf.ByteImage.INT16;
import static org.jmamba.gguf.ByteImage.INT32;
import static org.jmamba.gguf.ByteImage.INT64;
import static org.jmamba.gguf.ByteImage.INT8;
import static org.jmamba.gguf.ByteImage.STRING;
import static org.jmamba.gguf.ByteImage.T_F32;
import static org.jmamba.gguf.ByteImage.T_Q8_0;
import static org.jmamba.gguf.ByteImage.UINT16;
import static org.jmamba.gguf.ByteImage.UINT32;
import static org.jmamba.gguf.ByteImage.UINT64;
import static org.jmamba.gguf.ByteImage.UINT8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmamba.gguf.GgufValue.Array;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader against GGUF images built by hand, byte by byte: valid ones and every kind of bad one. */
class GgufReaderTest {
    static final Path NAME = Path.of("hand.gguf");

    static GgufFile parse(byte[] image) throws GgufFormatException {
        return GgufFile.ofImage(NAME, MemorySegment.ofArray(image));
    }

    /** The image is refused, the message naming the file, {@code at} and each fragment. */
    static GgufFormatException rejects(byte[] image, long at, String... fragments) {
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> parse(image));
        String m = e.getMessage();
        assertTrue(m.startsWith(NAME + ": at byte " + at + ": "), m);
        assertEquals(at, e.byteOffset(), m);
        assertEquals(NAME, e.file());
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' missing in: " + m);
        }
        return e;
    }

    // ---- a valid image with every value type --------------------------------------------------

    /** Tensor "a": F32 [2, 3] at 0 holding 0..5; tensor "b": Q8_0 [32] at 32 holding bytes 1..34; ends with b. */
    static byte[] everyTypeImage(int version) {
        ByteImage b = ByteImage.header(version, 2, 18)
                .key("general.architecture", STRING).str("mamba2")
                .key("u8", UINT8).u8(200)
                .key("i8", INT8).u8(0xFB)
                .key("u16", UINT16).u16(65535)
                .key("i16", INT16).u16(-300)
                .key("u32", UINT32).u32(4_000_000_000L)
                .key("i32", INT32).u32(-2_000_000_000)
                .key("f32", FLOAT32).f32(1.5f)
                .key("bool", BOOL).u8(1)
                .key("str", STRING).str("h\u00e9llo \u2713 \ud83d\ude00")
                .key("empty", STRING).str("")
                .key("u64", UINT64).u64(-1L)
                .key("i64", INT64).u64(Long.MIN_VALUE)
                .key("f64", FLOAT64).f64(-2.25)
                .key("arr.i32", ARRAY).u32(INT32).u64(3).u32(1).u32(-2).u32(3)
                .key("arr.str", ARRAY).u32(STRING).u64(2).str("a").str("\u00df")
                .key("arr.empty", ARRAY).u32(FLOAT32).u64(0)
                .key("arr.nested", ARRAY).u32(ARRAY).u64(2)
                        .u32(UINT8).u64(2).u8(1).u8(2)
                        .u32(STRING).u64(1).str("x")
                .tensor("a", T_F32, 0, 2, 3)
                .tensor("b", T_Q8_0, 32, 32)
                .pad(32);
        for (int i = 0; i < 6; i++) {
            b.f32(i);
        }
        return b.pad(32).ramp(34, 1).bytes();
    }

    @Test
    void readsHandBuiltImage() throws IOException {
        byte[] image = everyTypeImage(3);
        try (GgufFile f = parse(image)) {
            checkEveryTypeImage(f, image);
        }
    }

    @Test
    void readsHandBuiltImageFromDisk(@TempDir Path dir) throws IOException {
        byte[] image = everyTypeImage(3);
        Path p = dir.resolve("every.gguf");
        Files.write(p, image);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(p, f.path());
            checkEveryTypeImage(f, image);
            assertTrue(f.segment().isMapped());
        }
    }

    @Test
    void readsVersion2() throws IOException {
        try (GgufFile f = parse(everyTypeImage(2))) {
            assertEquals(2, f.version());
            assertEquals("mamba2", f.architecture());
        }
    }

    private static void checkEveryTypeImage(GgufFile f, byte[] image) throws IOException {
        assertEquals(3, f.version());
        assertEquals(32, f.alignment());
        assertEquals(image.length, f.fileSize());
        assertEquals(List.of("general.architecture", "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str",
                "empty", "u64", "i64", "f64", "arr.i32", "arr.str", "arr.empty", "arr.nested"),
                List.copyOf(f.metadata().keySet()));
        assertEquals("mamba2", f.architecture());
        assertEquals(new GgufValue.UInt8(200), f.get("u8").orElseThrow());
        assertEquals(new GgufValue.Int8((byte) -5), f.get("i8").orElseThrow());
        assertEquals(new GgufValue.UInt16(65535), f.get("u16").orElseThrow());
        assertEquals(new GgufValue.Int16((short) -300), f.get("i16").orElseThrow());
        assertEquals(new GgufValue.UInt32(4_000_000_000L), f.get("u32").orElseThrow());
        assertEquals(new GgufValue.Int32(-2_000_000_000), f.get("i32").orElseThrow());
        assertEquals(new GgufValue.Float32(1.5f), f.get("f32").orElseThrow());
        assertEquals(new GgufValue.Bool(true), f.get("bool").orElseThrow());
        assertEquals("h\u00e9llo \u2713 \ud83d\ude00", f.getString("str"));
        assertEquals("", f.getString("empty"));
        assertEquals(new GgufValue.UInt64(-1L), f.get("u64").orElseThrow());
        assertEquals(new GgufValue.Int64(Long.MIN_VALUE), f.get("i64").orElseThrow());
        assertEquals(-2.25, f.getDouble("f64"));
        assertArrayEquals(new int[] {1, -2, 3}, f.getIntArray("arr.i32"));
        assertArrayEquals(new long[] {1, -2, 3}, f.getLongArray("arr.i32"));
        assertArrayEquals(new String[] {"a", "\u00df"}, f.getStringArray("arr.str"));
        assertArrayEquals(new float[0], f.getFloatArray("arr.empty"));
        assertEquals(GgufValueType.FLOAT32, f.getArray("arr.empty").elementType());
        Array nested = f.getArray("arr.nested");
        assertEquals(Array.of(GgufValueType.ARRAY,
                Array.of(GgufValueType.UINT8, new GgufValue.UInt8(1), new GgufValue.UInt8(2)),
                Array.of(GgufValueType.STRING, new GgufValue.Str("x"))), nested);
        assertEquals(2, nested.depth());

        // Typed getters: widths convert when the value fits, and say so when it does not.
        assertEquals(200, f.getInt("u8"));
        assertEquals(-5, f.getLong("i8"));
        assertEquals(4_000_000_000L, f.getLong("u32"));
        assertEquals(1.5f, f.getFloat("f32"));
        assertEquals(65535f, f.getFloat("u16"));
        assertEquals(7, f.getInt("missing", 7));
        assertEquals("dflt", f.getString("missing", "dflt"));
        assertEquals(true, f.getBoolean("bool", false));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> f.getInt("u32"));
        assertTrue(e.getMessage().contains("key 'u32': expected an integer, found UINT32")
                && e.getMessage().contains("does not fit in an int"), e.getMessage());
        // Header 24, then keys of 46, 15, 15, 17 and 17 bytes: "u32" starts at 134, its type field at 145.
        assertEquals(145, e.byteOffset());
        e = assertThrows(GgufFormatException.class, () -> f.getLong("u64"));
        assertTrue(e.getMessage().contains("18446744073709551615"), e.getMessage());
        e = assertThrows(GgufFormatException.class, () -> f.getString("u8", "x"));
        assertTrue(e.getMessage().contains("key 'u8': expected STRING, found UINT8"), e.getMessage());
        e = assertThrows(GgufFormatException.class, () -> f.getBoolean("nope"));
        assertTrue(e.getMessage().contains("key 'nope' is missing (expected BOOL)"), e.getMessage());
        e = assertThrows(GgufFormatException.class, () -> f.getIntArray("arr.str"));
        assertTrue(e.getMessage().contains("expected ARRAY of integers, found ARRAY of STRING"), e.getMessage());

        assertEquals(2, f.tensors().size());
        GgufTensorInfo a = f.tensors().get(0);
        assertEquals(new GgufTensorInfo("a", GgmlType.F32, new long[] {2, 3}, 0), a);
        assertEquals(6, a.elementCount());
        assertEquals(24, a.byteSize());
        GgufTensorInfo b = f.tensor("b").orElseThrow();
        assertEquals(new GgufTensorInfo("b", GgmlType.Q8_0, new long[] {32}, 32), b);
        assertEquals(34, b.byteSize());
        assertEquals(image.length - 64 - 2, f.dataOffset());
        MemorySegment da = f.tensorData(a);
        for (int i = 0; i < 6; i++) {
            assertEquals(i, da.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i));
        }
        MemorySegment db = f.tensorData(b);
        for (int i = 0; i < 34; i++) {
            assertEquals(i + 1, db.get(ValueLayout.JAVA_BYTE, i));
        }
        assertThrows(IllegalArgumentException.class,
                () -> f.tensorData(new GgufTensorInfo("a", GgmlType.F32, new long[] {6}, 0)));
    }

    // ---- header -------------------------------------------------------------------------------

    /** One UINT32 key "k" = 7: the smallest interesting valid image (41 bytes). */
    static ByteImage oneKey(int version) {
        return ByteImage.header(version, 0, 1).key("k", UINT32).u32(7);
    }

    @Test
    void wrongMagic() {
        byte[] image = oneKey(3).bytes();
        image[3] = 'G';
        rejects(image, 0, "bad magic \"GGUG\"", "expected \"GGUF\"");
        rejects(new byte[] {0, 1, 2, 3, 4, 5, 6, 7}, 0, "bad magic \"\\x00\\x01\\x02\\x03\"");
    }

    @Test
    void unsupportedVersions() throws IOException {
        for (int v : new int[] {0, 1, 4, 5, 0x7FFFFFFF, -1}) {
            rejects(oneKey(v).bytes(), 4, "unsupported GGUF version " + Integer.toUnsignedString(v));
        }
        rejects(oneKey(0x03000000).bytes(), 4, "big-endian");
        assertEquals(7, parse(oneKey(3).bytes()).getInt("k"));
        assertEquals(7, parse(oneKey(2).bytes()).getInt("k"));
    }

    @Test
    void truncationAtEveryByteIsRefused() {
        byte[] image = everyTypeImage(3);
        for (int n = 0; n < image.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(image, n);
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> parse(cut), "cut at " + n);
            assertTrue(e.byteOffset() >= 0 && e.byteOffset() <= n, e.getMessage());
        }
        rejects(java.util.Arrays.copyOf(image, 10), 8, "tensor count", "truncated");
        rejects(java.util.Arrays.copyOf(oneKey(3).bytes(), 39), 37, "key 'k'", "truncated");
    }

    @Test
    void absurdCounts() {
        rejects(ByteImage.header(3, 1L << 62, 0).bytes(), 8, "tensor count 4611686018427387904", "cannot fit");
        rejects(ByteImage.header(3, -1L, 0).bytes(), 8, "tensor count 18446744073709551615");
        rejects(ByteImage.header(3, 0, 1L << 62).bytes(), 16, "metadata key count 4611686018427387904", "cannot fit");
        rejects(ByteImage.header(3, 0, -1L).bytes(), 16, "metadata key count 18446744073709551615");
        // Small counts that the remaining 17 bytes still cannot hold.
        rejects(ByteImage.header(3, 0, 2).key("k", UINT32).u32(7).bytes(), 16, "metadata key count 2", "17 bytes left");
        rejects(ByteImage.header(3, 1, 1).key("k", UINT32).u32(7).bytes(), 8, "tensor count 1", "17 bytes left");
    }

    // ---- strings and arrays -------------------------------------------------------------------

    @Test
    void stringLengthPastTheEnd() {
        rejects(ByteImage.header(3, 0, 1).u64(1000).raw(new byte[9]).bytes(), 24,
                "metadata key 0: string length 1000 is past the end of the file (9 bytes left)");
        rejects(ByteImage.header(3, 0, 1).key("k", STRING).u64(1L << 40).raw('x', 'y').bytes(), 37,
                "key 'k': string length 1099511627776 is past the end");
        rejects(ByteImage.header(3, 0, 1).key("k", STRING).u64(-1L).raw(new byte[40]).bytes(), 37,
                "string length 18446744073709551615");
    }

    @Test
    void arrayLengthPastTheEnd() {
        rejects(ByteImage.header(3, 0, 1).key("k", ARRAY).u32(UINT32).u64(5).u32(1).bytes(), 41,
                "key 'k': array length 5 of UINT32 cannot fit in the 4 bytes left");
        rejects(ByteImage.header(3, 0, 1).key("k", ARRAY).u32(UINT8).u64(1L << 62).u32(1).bytes(), 41,
                "array length 4611686018427387904 of UINT8");
        rejects(ByteImage.header(3, 0, 1).key("k", ARRAY).u32(STRING).u64(3).u64(0).u64(0).bytes(), 41,
                "array length 3 of STRING");
        rejects(ByteImage.header(3, 0, 1).key("k", ARRAY).u32(ARRAY).u64(2).u32(UINT8).u64(0).bytes(), 41,
                "array length 2 of ARRAY");
        rejects(ByteImage.header(3, 0, 1).key("k", ARRAY).u32(INT8).u64(-1L).bytes(), 41,
                "array length 18446744073709551615");
    }

    @Test
    void duplicateKeys() {
        rejects(ByteImage.header(3, 0, 2).key("k", UINT8).u8(1).key("k", UINT8).u8(2).bytes(), 38,
                "duplicate metadata key 'k'");
    }

    @Test
    void emptyKey() {
        rejects(ByteImage.header(3, 0, 1).key("", UINT8).u8(1).u8(0).bytes(), 24, "metadata key 0 is empty");
    }

    @Test
    void invalidUtf8() {
        // Overlong NUL, a lone continuation byte, an encoded surrogate, a cut sequence, a code point above U+10FFFF.
        int[][] bad = {{0xC0, 0x80}, {0x80}, {0xED, 0xA0, 0x80}, {0xE2, 0x82}, {0xF4, 0x90, 0x80, 0x80}, {0xFF}};
        for (int[] seq : bad) {
            ByteImage key = ByteImage.header(3, 0, 1).u64(1 + seq.length).raw('k').raw(seq).raw(new byte[8]);
            rejects(key.bytes(), 33, "metadata key 0: invalid UTF-8 at byte 1 of the string");
            ByteImage value = ByteImage.header(3, 0, 1).key("k", STRING).u64(2 + seq.length).raw('a', 'b').raw(seq);
            rejects(value.bytes(), 47, "key 'k': invalid UTF-8 at byte 2 of the string");
            ByteImage element = ByteImage.header(3, 0, 1).key("k", ARRAY).u32(STRING).u64(1).u64(seq.length).raw(seq);
            rejects(element.bytes(), 57, "key 'k': invalid UTF-8 at byte 0");
            ByteImage tensor = ByteImage.header(3, 1, 0).u64(seq.length).raw(seq).u32(1).u64(4).u32(T_F32).u64(0).pad(32);
            rejects(tensor.raw(new byte[16]).bytes(), 32, "tensor 0 name: invalid UTF-8");
        }
    }

    @Test
    void unknownValueType() {
        rejects(ByteImage.header(3, 0, 1).key("k", 13).u32(0).bytes(), 33, "key 'k': value type: unknown value type id 13");
        rejects(ByteImage.header(3, 0, 1).key("k", -1).u32(0).bytes(), 33, "unknown value type id 4294967295");
        rejects(ByteImage.header(3, 0, 1).key("k", ARRAY).u32(99).u64(0).bytes(), 37,
                "key 'k': array element type: unknown value type id 99");
    }

    /** "k" = an array holding an array ... {@code depth} arrays deep, holding one UINT8. */
    static byte[] nested(int depth) {
        ByteImage b = ByteImage.header(3, 0, 1).key("k", ARRAY);
        for (int i = 1; i < depth; i++) {
            b.u32(ARRAY).u64(1);
        }
        return b.u32(UINT8).u64(1).u8(5).bytes();
    }

    @Test
    void nestedArrayDepthIsBounded() throws IOException {
        GgufValue v = parse(nested(16)).get("k").orElseThrow();
        assertEquals(16, v.asArray().depth());
        rejects(nested(17), 37 + 12 * 16, "key 'k'", "arrays nested more than 16 deep");
        rejects(nested(100_000), 37 + 12 * 16, "arrays nested more than 16 deep");
    }

    @Test
    void boolMustBeZeroOrOne() {
        rejects(ByteImage.header(3, 0, 1).key("k", BOOL).u8(2).bytes(), 37, "key 'k': bool byte is 2, not 0 or 1");
    }

    // ---- tensor infos -------------------------------------------------------------------------

    /** One tensor "t" with the given fields, padding, and {@code dataBytes} bytes of data. */
    static byte[] oneTensor(int type, long offset, int dataBytes, long... dims) {
        return ByteImage.header(3, 1, 0).tensor("t", type, offset, dims).pad(32).raw(new byte[dataBytes]).bytes();
    }

    @Test
    void unknownGgmlTypeIds() {
        // 4 and 5 (Q4_2, Q4_3), 31-33 and 36-38 (repacked types) were retired; 42 and up do not exist.
        for (int id : new int[] {4, 5, 31, 32, 33, 36, 37, 38, 42, 1000, -1}) {
            rejects(oneTensor(id, 0, 4096, 32), 45, "tensor 't': unknown ggml type id " + Integer.toUnsignedString(id));
        }
    }

    @Test
    void numberOfDimensions() {
        rejects(oneTensor(T_F32, 0, 64), 33, "tensor 't': number of dimensions 0 is not in 1..4");
        rejects(oneTensor(T_F32, 0, 64, 1, 1, 1, 1, 1), 33, "number of dimensions 5");
        rejects(ByteImage.header(3, 1, 0).str("t").u32(-1).raw(new byte[64]).bytes(), 33, "number of dimensions 4294967295");
    }

    @Test
    void negativeDimension() {
        rejects(oneTensor(T_F32, 0, 64, 4, -1L), 37, "tensor 't': dimension 1 is negative (18446744073709551615");
        rejects(oneTensor(T_F32, 0, 64, 1L << 63), 37, "dimension 0 is negative");
    }

    /** Like ggml, a dimension of 0 is allowed: the tensor is empty. */
    @Test
    void zeroSizedDimensionIsAccepted() throws IOException {
        try (GgufFile f = parse(oneTensor(T_F32, 0, 0, 0, 3))) {
            GgufTensorInfo t = f.tensor("t").orElseThrow();
            assertEquals(0, t.elementCount());
            assertEquals(0, t.byteSize());
            assertEquals(0, f.tensorData(t).byteSize());
        }
    }

    @Test
    void dimensionProductsThatOverflow() {
        rejects(oneTensor(T_F32, 0, 64, 1L << 32, 1L << 32), 37, "element count of shape [4294967296, 4294967296] overflows");
        rejects(oneTensor(T_F32, 0, 64, 1 << 16, 1 << 16, 1 << 16, 1 << 16), 37, "overflows 64 bits");
        rejects(oneTensor(T_F32, 0, 64, 1L << 62), 37, "byte size of shape [4611686018427387904] as F32 overflows");
    }

    @Test
    void dimensionZeroMustHoldWholeBlocks() {
        rejects(oneTensor(T_Q8_0, 0, 64, 33), 37, "dimension 0 (33) is not a multiple of Q8_0's block size 32");
        rejects(oneTensor(ByteImage.T_Q4_K, 0, 640, 128, 2), 37, "Q4_K's block size 256");
    }

    @Test
    void tensorNameLength() throws IOException {
        String max = "n".repeat(63);
        byte[] ok = ByteImage.header(3, 1, 0).tensor(max, T_F32, 0, 4).pad(32).raw(new byte[16]).bytes();
        assertEquals(max, parse(ok).tensors().get(0).name());
        byte[] tooLong = ByteImage.header(3, 1, 0).tensor(max + "n", T_F32, 0, 4).pad(32).raw(new byte[16]).bytes();
        rejects(tooLong, 24, "name is 64 bytes, more than ggml's 63");
    }

    @Test
    void duplicateTensorNames() {
        byte[] image = ByteImage.header(3, 2, 0).tensor("t", T_F32, 0, 4).tensor("t", T_F32, 32, 4)
                .pad(32).raw(new byte[48]).bytes();
        rejects(image, 57, "duplicate tensor name 't'");
    }

    // ---- data placement -----------------------------------------------------------------------

    @Test
    void dataOffsetNotAligned() {
        rejects(oneTensor(T_F32, 16, 64, 4), 49, "tensor 't': data offset 16 is not a multiple of the alignment 32");
        rejects(oneTensor(T_F32, -32L, 64, 4), 49, "data offset 18446744073709551584 is not a multiple");
    }

    @Test
    void dataOffsetPastTheEnd() {
        rejects(oneTensor(T_F32, 1024, 16, 4), 49,
                "tensor 't': data offset 1024 is past the end of the file (size 80, data section at byte 64)");
        rejects(oneTensor(T_F32, 0, 16, 64), 49, "tensor 't': 256 bytes at data offset 0 run past the end of the file (size 80");
        rejects(oneTensor(T_F32, 1L << 62, 16, 4), 49, "data offset 4611686018427387904 is past the end");
        // Tensors but no room even for the padding before the data section.
        rejects(ByteImage.header(3, 1, 0).tensor("t", T_F32, 0, 0).bytes(), 57, "padding to a multiple of 32 ends at byte 64");
    }

    @Test
    void overlappingTensors() throws IOException {
        byte[] overlap = ByteImage.header(3, 2, 0).tensor("a", T_F32, 0, 16).tensor("b", T_F32, 32, 4)
                .pad(32).raw(new byte[96]).bytes();
        rejects(overlap, 82, "tensor 'b': data at offset 32 overlaps tensor 'a' (offsets 0 to 64)");
        byte[] same = ByteImage.header(3, 2, 0).tensor("a", T_F32, 0, 4).tensor("b", T_F32, 0, 4)
                .pad(32).raw(new byte[64]).bytes();
        rejects(same, 82, "overlaps tensor 'a'");
        // Out of file order but apart: accepted (ggml wants file order; only overlap is unsafe).
        byte[] swapped = ByteImage.header(3, 2, 0).tensor("a", T_F32, 32, 4).tensor("b", T_F32, 0, 4)
                .pad(32).raw(new byte[48]).bytes();
        assertEquals(32, parse(swapped).tensor("a").orElseThrow().offset());
    }

    // ---- alignment ----------------------------------------------------------------------------

    static byte[] aligned(ByteImage alignmentValue, long offset, int pad) {
        return ByteImage.header(3, 1, 1).key("general.alignment", 0).raw(alignmentValue.bytes())
                .tensor("t", T_F32, offset, 4).pad(pad).raw(new byte[16]).bytes();
    }

    @Test
    void alignmentZeroOrNotAPowerOfTwo() {
        // The value's type field is at 24 + 8 + 17 = 49; the u32 type written by key(...) is overwritten below.
        rejects(withType(aligned(new ByteImage().u32(0), 0, 32), UINT32), 49,
                "key 'general.alignment': alignment 0 is not a power of two");
        rejects(withType(aligned(new ByteImage().u32(48), 0, 48), UINT32), 49, "alignment 48 is not a power of two");
        rejects(withType(aligned(new ByteImage().u64(32), 0, 32), UINT64), 49,
                "key 'general.alignment': expected UINT32, found UINT64");
    }

    @Test
    void nonDefaultAlignment() throws IOException {
        try (GgufFile f = parse(withType(aligned(new ByteImage().u32(64), 0, 64), UINT32))) {
            assertEquals(64, f.alignment());
            assertEquals(128, f.dataOffset());
        }
        rejects(withType(aligned(new ByteImage().u32(64), 32, 64), UINT32), 82,
                "data offset 32 is not a multiple of the alignment 64");
    }

    private static byte[] withType(byte[] image, int type) {
        image[49] = (byte) type;
        return image;
    }

    @Test
    void badFileOnDiskIsRefusedAndReleased(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("bad.gguf");
        Files.write(p, nested(17));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().startsWith(p + ": at byte 229: "), e.getMessage());
        Files.delete(p); // the mapping was released
        Path empty = dir.resolve("empty.gguf");
        Files.write(empty, new byte[0]);
        e = assertThrows(GgufFormatException.class, () -> GgufFile.open(empty));
        assertTrue(e.getMessage().contains("magic: truncated"), e.getMessage());
    }
}
