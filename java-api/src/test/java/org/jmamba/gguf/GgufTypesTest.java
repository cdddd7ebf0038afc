package org.jmamba.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jmamba.gguf.GgufValue.Array;
import org.junit.jupiter.api.Test;

/** GgmlType's table, GgufValue's conversions and GgufTensorInfo's rules. */
class GgufTypesTest {
    static final int QK_K = 256, HALF = 2;

    /**
     * Block sizes and bytes per block, worked out from ggml's block structs (ggml-common.h):
     * the sum of each struct's fields, so a mistyped number in GgmlType shows.
     */
    static final Object[][] GGML_TYPES = {
        {0, "F32", 1, 4}, {1, "F16", 1, 2},
        {2, "Q4_0", 32, HALF + 32 / 2}, {3, "Q4_1", 32, 2 * HALF + 32 / 2},
        {6, "Q5_0", 32, HALF + 4 + 32 / 2}, {7, "Q5_1", 32, 2 * HALF + 4 + 32 / 2},
        {8, "Q8_0", 32, HALF + 32}, {9, "Q8_1", 32, 2 * HALF + 32},
        {10, "Q2_K", QK_K, QK_K / 16 + QK_K / 4 + 2 * HALF},
        {11, "Q3_K", QK_K, QK_K / 8 + QK_K / 4 + 12 + HALF},
        {12, "Q4_K", QK_K, 2 * HALF + 12 + QK_K / 2},
        {13, "Q5_K", QK_K, 2 * HALF + 12 + QK_K / 8 + QK_K / 2},
        {14, "Q6_K", QK_K, QK_K / 2 + QK_K / 4 + QK_K / 16 + HALF},
        {15, "Q8_K", QK_K, 4 + QK_K + QK_K / 16 * 2},
        {16, "IQ2_XXS", QK_K, HALF + QK_K / 8 * 2},
        {17, "IQ2_XS", QK_K, HALF + QK_K / 8 * 2 + QK_K / 32},
        {18, "IQ3_XXS", QK_K, HALF + 3 * QK_K / 8},
        {19, "IQ1_S", QK_K, HALF + QK_K / 8 + QK_K / 32 * 2},
        {20, "IQ4_NL", 32, HALF + 32 / 2},
        {21, "IQ3_S", QK_K, HALF + QK_K / 4 + QK_K / 32 + QK_K / 8 + QK_K / 64},
        {22, "IQ2_S", QK_K, HALF + QK_K / 4 + QK_K / 32 + QK_K / 32},
        {23, "IQ4_XS", QK_K, HALF + 2 + QK_K / 64 + QK_K / 2},
        {24, "I8", 1, 1}, {25, "I16", 1, 2}, {26, "I32", 1, 4}, {27, "I64", 1, 8}, {28, "F64", 1, 8},
        {29, "IQ1_M", QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32},
        {30, "BF16", 1, 2},
        {34, "TQ1_0", QK_K, (QK_K - 4 * QK_K / 64) / 5 + QK_K / 64 + HALF},
        {35, "TQ2_0", QK_K, QK_K / 4 + HALF},
        {39, "MXFP4", 32, 1 + 32 / 2},
        {40, "NVFP4", 64, 64 / 16 + 64 / 2},
        {41, "Q1_0", 128, HALF + 128 / 8},
    };

    @Test
    void ggmlTypeTableMatchesGgmlsBlockStructs() {
        assertEquals(GGML_TYPES.length, GgmlType.values().length);
        for (Object[] row : GGML_TYPES) {
            GgmlType t = GgmlType.fromId((Integer) row[0]);
            assertEquals(row[1], t.name());
            assertEquals(row[2], t.blockSize(), t.name());
            assertEquals(row[3], t.bytesPerBlock(), t.name());
            assertEquals((Integer) row[2] > 1, t.isQuantized(), t.name());
            assertEquals(Optional.of(t), GgmlType.byName(t.name().toLowerCase()));
            assertEquals(Optional.of(t), GgmlType.byName(t.name()));
        }
    }

    @Test
    void retiredAndUnknownGgmlIdsAreRefused() {
        Set<Integer> known = new HashSet<>();
        for (GgmlType t : GgmlType.values()) {
            assertTrue(known.add(t.id()), "unique id " + t.id());
        }
        for (int id : new int[] {-1, 4, 5, 31, 32, 33, 36, 37, 38, 42, 63, 64, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(id));
            assertTrue(e.getMessage().contains(Integer.toString(id)), e.getMessage());
        }
        assertEquals(Optional.empty(), GgmlType.byName("Q4_2"));
        assertEquals(Optional.empty(), GgmlType.byName(""));
        assertEquals(Optional.empty(), GgmlType.byName(null));
        assertEquals(Optional.of(GgmlType.Q4_K), GgmlType.byName("q4_K"));
    }

    @Test
    void rowBytes() {
        assertEquals(12, GgmlType.F32.rowBytes(3));
        assertEquals(0, GgmlType.Q8_0.rowBytes(0));
        assertEquals(68, GgmlType.Q8_0.rowBytes(64));
        assertEquals(288, GgmlType.Q4_K.rowBytes(512));
        assertEquals(4096 / 256 * 210, GgmlType.Q6_K.rowBytes(4096));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q8_0.rowBytes(33));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q4_K.rowBytes(128));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.F32.rowBytes(-4));
        assertThrows(ArithmeticException.class, () -> GgmlType.F64.rowBytes(Long.MAX_VALUE));
    }

    @Test
    void valueTypeIds() {
        GgufValueType[] all = GgufValueType.values();
        for (int i = 0; i < all.length; i++) {
            assertEquals(i, all[i].id());
            assertEquals(all[i], GgufValueType.fromId(i));
        }
        assertEquals(13, all.length);
        assertEquals(8, GgufValueType.STRING.id());
        assertEquals(9, GgufValueType.ARRAY.id());
        assertEquals(12, GgufValueType.FLOAT64.id());
        assertThrows(IllegalArgumentException.class, () -> GgufValueType.fromId(13));
        assertThrows(IllegalArgumentException.class, () -> GgufValueType.fromId(-1));
    }

    @Test
    void integerConversionsAreRangeChecked() {
        assertEquals(255, new GgufValue.UInt8(255).asInt());
        assertEquals(-128, new GgufValue.Int8((byte) -128).asLong());
        assertEquals(65535, new GgufValue.UInt16(65535).asLong());
        assertEquals(-1, new GgufValue.Int16((short) -1).asInt());
        assertEquals(4_294_967_295L, new GgufValue.UInt32(4_294_967_295L).asLong());
        assertThrows(ArithmeticException.class, () -> new GgufValue.UInt32(4_294_967_295L).asInt());
        assertEquals(Integer.MIN_VALUE, new GgufValue.Int32(Integer.MIN_VALUE).asInt());
        assertEquals(Long.MAX_VALUE, new GgufValue.UInt64(Long.MAX_VALUE).asLong());
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> new GgufValue.UInt64(-1L).asLong());
        assertTrue(e.getMessage().contains("18446744073709551615"), e.getMessage());
        assertEquals(-5, new GgufValue.Int64(-5).asInt());
        assertThrows(ArithmeticException.class, () -> new GgufValue.Int64(1L << 31).asInt());

        assertThrows(IllegalArgumentException.class, () -> new GgufValue.UInt8(256));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.UInt8(-1));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.UInt16(65536));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.UInt32(-1));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.UInt32(1L << 32));
    }

    @Test
    void numberConversions() {
        assertEquals(18446744073709551615.0, new GgufValue.UInt64(-1L).asDouble());
        assertEquals(9223372036854775808.0, new GgufValue.UInt64(Long.MIN_VALUE).asDouble());
        assertEquals(0x1.0000000000001p63, new GgufValue.UInt64(0x8000_0000_0000_0800L).asDouble());
        assertEquals(3.0, new GgufValue.Int32(3).asDouble());
        assertEquals(0.1f, new GgufValue.Float32(0.1f).asFloat());
        assertEquals(0.1f, new GgufValue.Float64(0.1).asFloat());
        assertEquals(0.1, new GgufValue.Float64(0.1).asDouble());
        assertEquals("18446744073709551615", new GgufValue.UInt64(-1L).asText());
    }

    @Test
    void wrongKindsThrowClassCastException() {
        assertThrows(ClassCastException.class, () -> new GgufValue.Str("1").asLong());
        assertThrows(ClassCastException.class, () -> new GgufValue.Float32(1).asLong());
        assertThrows(ClassCastException.class, () -> new GgufValue.Bool(true).asDouble());
        assertThrows(ClassCastException.class, () -> new GgufValue.UInt8(1).asBoolean());
        assertThrows(ClassCastException.class, () -> new GgufValue.UInt8(1).asString());
        assertThrows(ClassCastException.class, () -> new GgufValue.Str("x").asArray());
        assertThrows(ClassCastException.class, () -> Array.ofInts(1).asLong());
        assertEquals("x", new GgufValue.Str("x").asString());
        assertTrue(new GgufValue.Bool(true).asBoolean());
    }

    @Test
    void stringsMustHaveAUtf8Form() {
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.Str("a\ud800"));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.Str("\udc00b"));
        assertThrows(NullPointerException.class, () -> new GgufValue.Str(null));
        assertEquals("\ud83d\ude00", new GgufValue.Str("\ud83d\ude00").value());
    }

    @Test
    void arrays() {
        Array ints = Array.of(GgufValueType.UINT32, new GgufValue.UInt32(1), new GgufValue.UInt32(1L << 31));
        assertArrayEquals(new long[] {1, 1L << 31}, ints.asLongArray());
        assertThrows(ArithmeticException.class, ints::asIntArray);
        assertArrayEquals(new float[] {1, 2147483648f}, ints.asFloatArray());
        assertThrows(ClassCastException.class, ints::asStringArray);
        assertThrows(ClassCastException.class, () -> Array.ofStrings(List.of("a")).asIntArray());
        assertThrows(ClassCastException.class, () -> Array.ofFloats(1).asLongArray());
        assertArrayEquals(new double[] {1.5}, Array.ofFloats(1.5f).asDoubleArray());
        assertArrayEquals(new boolean[] {true}, Array.of(GgufValueType.BOOL, new GgufValue.Bool(true)).asBooleanArray());

        assertThrows(IllegalArgumentException.class, () -> Array.of(GgufValueType.INT32, new GgufValue.UInt32(1)));
        assertThrows(IllegalArgumentException.class, () -> Array.of(GgufValueType.ARRAY, new GgufValue.Int32(1)));
        assertThrows(NullPointerException.class, () -> Array.of(GgufValueType.INT32, (GgufValue) null));
        assertThrows(UnsupportedOperationException.class, () -> ints.values().add(new GgufValue.UInt32(2)));

        List<GgufValue> source = new ArrayList<>(List.of(new GgufValue.Int32(1)));
        Array copy = new Array(GgufValueType.INT32, source);
        source.add(new GgufValue.Int32(2));
        assertEquals(1, copy.size(), "the array copies its list");

        assertEquals(1, Array.of(GgufValueType.ARRAY).depth());
        assertEquals(3, Array.of(GgufValueType.ARRAY, Array.ofInts(), Array.of(GgufValueType.ARRAY, Array.ofInts())).depth());
        assertEquals(Array.ofInts(1, 2), Array.of(GgufValueType.INT32, new GgufValue.Int32(1), new GgufValue.Int32(2)));
        assertNotEquals(Array.ofInts(1, 2), Array.ofLongs(1, 2));
    }

    @Test
    void tensorInfoRules() {
        long[] shape = {64, 2};
        GgufTensorInfo t = new GgufTensorInfo("w", GgmlType.Q8_0, shape, 32);
        shape[0] = 1;
        assertArrayEquals(new long[] {64, 2}, t.shape(), "copied in");
        t.shape()[0] = 1;
        assertArrayEquals(new long[] {64, 2}, t.shape(), "copied out");
        assertEquals(128, t.elementCount());
        assertEquals(4 * 34, t.byteSize());
        assertEquals(2, t.nDims());
        assertEquals(64, t.dim(0));
        assertEquals(1, t.dim(3));
        assertEquals(1, t.dim(7));
        assertThrows(IndexOutOfBoundsException.class, () -> t.dim(-1));
        GgufTensorInfo same = new GgufTensorInfo("w", GgmlType.Q8_0, new long[] {64, 2}, 32);
        assertEquals(t, same);
        assertEquals(t.hashCode(), same.hashCode());
        assertNotEquals(t, new GgufTensorInfo("w", GgmlType.Q8_0, new long[] {64, 2}, 64));
        assertNotEquals(t, new GgufTensorInfo("w", GgmlType.Q8_0, new long[] {64, 1, 2}, 32));

        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("w", GgmlType.F32, new long[0], 0));
        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("w", GgmlType.F32, new long[5], 0));
        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("w", GgmlType.F32, new long[] {-1}, 0));
        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("w", GgmlType.Q4_0, new long[] {16}, 0));
        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("w", GgmlType.F32, new long[] {4}, -32));
        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("\ud800", GgmlType.F32, new long[] {4}, 0));
        assertThrows(IllegalArgumentException.class, () -> new GgufTensorInfo("\u00e9".repeat(32), GgmlType.F32, new long[] {4}, 0));
        assertEquals(0, new GgufTensorInfo("e", GgmlType.Q4_K, new long[] {0, 5}, 0).byteSize());
        assertFalse(new GgufTensorInfo("big", GgmlType.I8, new long[] {1L << 62, 1}, 0).byteSize() < 0);
    }
}
