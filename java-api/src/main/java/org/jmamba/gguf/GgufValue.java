package org.jmamba.gguf;

import java.util.List;
import java.util.Objects;

/**
 * One GGUF metadata value: a record per value type.
 *
 * <p>The {@code asXxx} conversions never lose information silently: a value of the wrong kind
 * throws {@link ClassCastException}, an integer out of the target's range throws
 * {@link ArithmeticException}. Integers convert to any integer width that holds them; any number
 * converts to double and float.
 */
public sealed interface GgufValue {
    /** Deepest array nesting the reader accepts and the writer writes (an array of scalars is 1). */
    int MAX_ARRAY_DEPTH = 16;

    GgufValueType type();

    /** An integer value of any width, as long. */
    default long asLong() {
        throw notA("an integer");
    }

    /** An integer value of any width that fits in an int. */
    default int asInt() {
        long v = asLong();
        if (v != (int) v) {
            throw new ArithmeticException(type() + " value " + this.asText() + " does not fit in an int");
        }
        return (int) v;
    }

    /** Any number, as double (integers beyond 2^53 round to the nearest double). */
    default double asDouble() {
        throw notA("a number");
    }

    /** Any number, as float. */
    default float asFloat() {
        return (float) asDouble();
    }

    default boolean asBoolean() {
        throw notA("a boolean");
    }

    default String asString() {
        throw notA("a string");
    }

    default Array asArray() {
        throw notA("an array");
    }

    /** The value as text, for messages: numbers in decimal (UINT64 unsigned), strings as is. */
    default String asText() {
        return toString();
    }

    private ClassCastException notA(String what) {
        return new ClassCastException(type() + " value is not " + what);
    }

    record UInt8(int value) implements GgufValue {
        public UInt8 {
            if (value < 0 || value > 0xFF) {
                throw new IllegalArgumentException("UINT8 out of range: " + value);
            }
        }
        public GgufValueType type() { return GgufValueType.UINT8; }
        public long asLong() { return value; }
        public double asDouble() { return value; }
        public String asText() { return Integer.toString(value); }
    }

    record Int8(byte value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.INT8; }
        public long asLong() { return value; }
        public double asDouble() { return value; }
        public String asText() { return Integer.toString(value); }
    }

    record UInt16(int value) implements GgufValue {
        public UInt16 {
            if (value < 0 || value > 0xFFFF) {
                throw new IllegalArgumentException("UINT16 out of range: " + value);
            }
        }
        public GgufValueType type() { return GgufValueType.UINT16; }
        public long asLong() { return value; }
        public double asDouble() { return value; }
        public String asText() { return Integer.toString(value); }
    }

    record Int16(short value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.INT16; }
        public long asLong() { return value; }
        public double asDouble() { return value; }
        public String asText() { return Integer.toString(value); }
    }

    record UInt32(long value) implements GgufValue {
        public UInt32 {
            if (value < 0 || value > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("UINT32 out of range: " + value);
            }
        }
        public GgufValueType type() { return GgufValueType.UINT32; }
        public long asLong() { return value; }
        public double asDouble() { return value; }
        public String asText() { return Long.toString(value); }
    }

    record Int32(int value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.INT32; }
        public long asLong() { return value; }
        public double asDouble() { return value; }
        public String asText() { return Integer.toString(value); }
    }

    record Float32(float value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.FLOAT32; }
        public double asDouble() { return value; }
        public String asText() { return Float.toString(value); }
    }

    record Bool(boolean value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.BOOL; }
        public boolean asBoolean() { return value; }
        public String asText() { return Boolean.toString(value); }
    }

    /** A string; it must be well-formed UTF-16 (no unpaired surrogate) so that UTF-8 can hold it. */
    record Str(String value) implements GgufValue {
        public Str {
            Objects.requireNonNull(value, "value");
            Utf8.requireWellFormed(value, "string");
        }
        public GgufValueType type() { return GgufValueType.STRING; }
        public String asString() { return value; }
        public String asText() { return value; }
    }

    /** An unsigned 64-bit integer; {@code value} holds its 64 bits (negative for 2^63 and above). */
    record UInt64(long value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.UINT64; }
        public long asLong() {
            if (value < 0) {
                throw new ArithmeticException("UINT64 value " + asText() + " does not fit in a long");
            }
            return value;
        }
        public double asDouble() {
            // Unsigned to double: halve (keeping the low bit so rounding stays right), convert, double.
            return value >= 0 ? value : 2.0 * ((value >>> 1) | (value & 1));
        }
        public String asText() { return Long.toUnsignedString(value); }
    }

    record Int64(long value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.INT64; }
        public long asLong() { return value; }
        public double asDouble() { return value; }
        public String asText() { return Long.toString(value); }
    }

    record Float64(double value) implements GgufValue {
        public GgufValueType type() { return GgufValueType.FLOAT64; }
        public double asDouble() { return value; }
        public String asText() { return Double.toString(value); }
    }

    /**
     * An array: every element has type {@code elementType}. Arrays of arrays are allowed (their
     * elements may hold different element types), up to {@link #MAX_ARRAY_DEPTH} levels.
     * The list is an unmodifiable copy.
     */
    record Array(GgufValueType elementType, List<GgufValue> values) implements GgufValue {
        public Array {
            Objects.requireNonNull(elementType, "elementType");
            values = List.copyOf(values);
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i).type() != elementType) {
                    throw new IllegalArgumentException(
                            "array of " + elementType + " has a " + values.get(i).type() + " at index " + i);
                }
            }
        }

        public static Array of(GgufValueType elementType, GgufValue... values) {
            return new Array(elementType, List.of(values));
        }

        public static Array ofStrings(List<String> strings) {
            return new Array(GgufValueType.STRING, strings.stream().<GgufValue>map(Str::new).toList());
        }

        /** FLOAT32 elements. */
        public static Array ofFloats(float... v) {
            GgufValue[] a = new GgufValue[v.length];
            for (int i = 0; i < v.length; i++) {
                a[i] = new Float32(v[i]);
            }
            return new Array(GgufValueType.FLOAT32, List.of(a));
        }

        /** INT32 elements. */
        public static Array ofInts(int... v) {
            GgufValue[] a = new GgufValue[v.length];
            for (int i = 0; i < v.length; i++) {
                a[i] = new Int32(v[i]);
            }
            return new Array(GgufValueType.INT32, List.of(a));
        }

        /** INT64 elements. */
        public static Array ofLongs(long... v) {
            GgufValue[] a = new GgufValue[v.length];
            for (int i = 0; i < v.length; i++) {
                a[i] = new Int64(v[i]);
            }
            return new Array(GgufValueType.INT64, List.of(a));
        }

        public GgufValueType type() { return GgufValueType.ARRAY; }
        public Array asArray() { return this; }

        public int size() {
            return values.size();
        }

        public GgufValue get(int i) {
            return values.get(i);
        }

        /** Nesting depth: 1 for an array of scalars (or an empty array), 1 + the deepest element otherwise. */
        public int depth() {
            int deepest = 0;
            if (elementType == GgufValueType.ARRAY) {
                for (GgufValue v : values) {
                    deepest = Math.max(deepest, ((Array) v).depth());
                }
            }
            return 1 + deepest;
        }

        /** Elements of any integer type, as longs. */
        public long[] asLongArray() {
            requireElements(elementType.isInteger(), "integers");
            long[] out = new long[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i).asLong();
            }
            return out;
        }

        /** Elements of any integer type whose values fit in an int. */
        public int[] asIntArray() {
            requireElements(elementType.isInteger(), "integers");
            int[] out = new int[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i).asInt();
            }
            return out;
        }

        /** Elements of any number type, as floats. */
        public float[] asFloatArray() {
            requireElements(elementType.isNumber(), "numbers");
            float[] out = new float[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i).asFloat();
            }
            return out;
        }

        /** Elements of any number type, as doubles. */
        public double[] asDoubleArray() {
            requireElements(elementType.isNumber(), "numbers");
            double[] out = new double[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i).asDouble();
            }
            return out;
        }

        public boolean[] asBooleanArray() {
            requireElements(elementType == GgufValueType.BOOL, "booleans");
            boolean[] out = new boolean[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i).asBoolean();
            }
            return out;
        }

        public String[] asStringArray() {
            requireElements(elementType == GgufValueType.STRING, "strings");
            String[] out = new String[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i).asString();
            }
            return out;
        }

        public String asText() {
            return "array of " + values.size() + " " + elementType;
        }

        private void requireElements(boolean ok, String what) {
            if (!ok) {
                throw new ClassCastException("array of " + elementType + " is not an array of " + what);
            }
        }
    }
}
