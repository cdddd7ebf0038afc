package org.jmamba.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and checks the header of a GGUF image: everything up to the data section, and that every
 * tensor's data lies inside the image. Every read is bounds-checked before it happens and every
 * count is checked against the bytes left before anything is allocated for it, so no input can
 * make it throw anything but {@link GgufFormatException} or allocate much more than the image's
 * size.
 */
final class GgufParser {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** Where the key-value section starts (after magic, version and the two counts). */
    static final long METADATA_START = 24;
    /** ggml's limits: strings and arrays of more than 2^30 bytes or elements are refused (and so are more tensors). */
    static final long MAX_STRING_BYTES = 1L << 30;
    static final long MAX_ARRAY_LENGTH = 1L << 30;

    // The fewest bytes a key-value pair (non-empty key, type, a 1-byte value) and a tensor info
    // (empty name, n_dims, one dimension, type, offset) take: bounds for the counts.
    private static final long MIN_KV_BYTES = 8 + 1 + 4 + 1;
    private static final long MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What the header says. {@code valueOffsets} maps each key to the offset of its value type field. */
    record Header(
            int version,
            long alignment,
            long dataOffset,
            Map<String, GgufValue> metadata,
            Map<String, Long> valueOffsets,
            List<GgufTensorInfo> tensors,
            Map<String, GgufTensorInfo> tensorsByName) {}

    private final Path file;
    private final MemorySegment image;
    private final long size;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long pos;

    private GgufParser(Path file, MemorySegment image) {
        this.file = file;
        this.image = image;
        this.size = image.byteSize();
    }

    /** Parses and checks the header of {@code image}; {@code file} names it in messages. */
    static Header parse(Path file, MemorySegment image) {
        return new GgufParser(file, image).header();
    }

    private Header header() {
        need(4, "magic");
        if (image.get(U32, 0) != MAGIC) {
            throw fail(0, "bad magic " + printable(image.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE))
                    + ", expected \"GGUF\"");
        }
        pos = 4;
        int version = readU32("version");
        if (version != 2 && version != 3) {
            int swapped = Integer.reverseBytes(version);
            throw fail(4, swapped >= 1 && swapped <= 3
                    ? "version field reads " + Integer.toUnsignedString(version)
                            + ": a big-endian GGUF file, which this reader does not read"
                    : "unsupported GGUF version " + Integer.toUnsignedString(version) + " (this reader reads 2 and 3)");
        }
        long tensorCount = readU64("tensor count");
        long kvCount = readU64("metadata key count");
        long left = size - pos;
        if (tensorCount < 0 || tensorCount > left / MIN_TENSOR_INFO_BYTES || tensorCount > MAX_ARRAY_LENGTH) {
            throw fail(8, "tensor count " + Long.toUnsignedString(tensorCount) + " cannot fit in the "
                    + left + " bytes left in the file");
        }
        if (kvCount < 0 || kvCount > left / MIN_KV_BYTES) {
            throw fail(16, "metadata key count " + Long.toUnsignedString(kvCount) + " cannot fit in the "
                    + left + " bytes left in the file");
        }
        if (tensorCount * MIN_TENSOR_INFO_BYTES + kvCount * MIN_KV_BYTES > left) {
            throw fail(8, tensorCount + " tensors and " + kvCount + " metadata keys cannot fit in the "
                    + left + " bytes left in the file");
        }

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        Map<String, Long> valueOffsets = new HashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = pos;
            String key = readString("metadata key " + i);
            if (key.isEmpty()) {
                throw fail(keyAt, "metadata key " + i + " is empty");
            }
            if (metadata.containsKey(key)) {
                throw fail(keyAt, "duplicate metadata key '" + key + "'");
            }
            String where = "key '" + key + "'";
            valueOffsets.put(key, pos);
            metadata.put(key, readValue(readValueType(where + ": value type"), where, 0));
        }

        long alignment = DEFAULT_ALIGNMENT;
        GgufValue alignmentValue = metadata.get(ALIGNMENT_KEY);
        if (alignmentValue != null) {
            long at = valueOffsets.get(ALIGNMENT_KEY);
            if (!(alignmentValue instanceof GgufValue.UInt32(long a))) {
                throw fail(at, "key '" + ALIGNMENT_KEY + "': expected UINT32, found " + alignmentValue.type());
            }
            if (a == 0 || (a & (a - 1)) != 0) {
                throw fail(at, "key '" + ALIGNMENT_KEY + "': alignment " + a + " is not a power of two");
            }
            alignment = a;
        }

        List<GgufTensorInfo> tensors = new ArrayList<>();
        Map<String, GgufTensorInfo> byName = new HashMap<>();
        long[] offsetFieldAt = new long[(int) tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            GgufTensorInfo t = readTensorInfo(i, alignment, byName);
            offsetFieldAt[i] = pos - 8;
            tensors.add(t);
            byName.put(t.name(), t);
        }

        // As in ggml: the data section starts at the next multiple of the alignment, except in a
        // file without tensors, which may end right after its header.
        long dataOffset = pos;
        if (tensorCount > 0) {
            dataOffset = (pos + alignment - 1) / alignment * alignment;
            if (dataOffset > size) {
                throw fail(pos, "data section: padding to a multiple of " + alignment + " ends at byte "
                        + dataOffset + ", past the end of the file (size " + size + ")");
            }
        }
        checkDataRanges(tensors, offsetFieldAt, dataOffset);
        return new Header(version, alignment, dataOffset,
                Collections.unmodifiableMap(metadata), Map.copyOf(valueOffsets),
                List.copyOf(tensors), Map.copyOf(byName));
    }

    private GgufTensorInfo readTensorInfo(int i, long alignment, Map<String, GgufTensorInfo> seen) {
        long nameAt = pos;
        String name = readString("tensor " + i + " name");
        int nameBytes = (int) (pos - nameAt - 8);
        if (nameBytes > GgufTensorInfo.MAX_NAME_BYTES) {
            throw fail(nameAt, "tensor '" + name + "': name is " + nameBytes + " bytes, more than ggml's "
                    + GgufTensorInfo.MAX_NAME_BYTES);
        }
        if (seen.containsKey(name)) {
            throw fail(nameAt, "duplicate tensor name '" + name + "'");
        }
        String where = "tensor '" + name + "'";
        long dimsAt = pos;
        int nDims = readU32(where + ": number of dimensions");
        if (nDims < 1 || nDims > GgufTensorInfo.MAX_DIMS) {
            throw fail(dimsAt, where + ": number of dimensions " + Integer.toUnsignedString(nDims)
                    + " is not in 1.." + GgufTensorInfo.MAX_DIMS);
        }
        long shapeAt = pos;
        long[] shape = new long[nDims];
        for (int d = 0; d < nDims; d++) {
            shape[d] = readU64(where + ": dimension " + d);
        }
        long typeAt = pos;
        int typeId = readU32(where + ": type");
        GgmlType type = GgmlType.find(Integer.toUnsignedLong(typeId));
        if (type == null) {
            throw fail(typeAt, where + ": unknown ggml type id " + Integer.toUnsignedString(typeId));
        }
        String problem = GgufTensorInfo.shapeProblem(type, shape);
        if (problem != null) {
            throw fail(shapeAt, where + ": " + problem);
        }
        long offsetAt = pos;
        long offset = readU64(where + ": data offset");
        if (offset < 0 || offset % alignment != 0) {
            throw fail(offsetAt, where + ": data offset " + Long.toUnsignedString(offset)
                    + " is not a multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, type, shape, offset);
    }

    /** Every tensor's bytes lie inside the file, and no two tensors share a byte. */
    private void checkDataRanges(List<GgufTensorInfo> tensors, long[] offsetFieldAt, long dataOffset) {
        long dataBytes = size - dataOffset;
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            if (t.offset() > dataBytes) {
                throw fail(offsetFieldAt[i], "tensor '" + t.name() + "': data offset " + t.offset()
                        + " is past the end of the file (size " + size + ", data section at byte " + dataOffset + ")");
            }
            if (t.byteSize() > dataBytes - t.offset()) {
                throw fail(offsetFieldAt[i], "tensor '" + t.name() + "': " + t.byteSize() + " bytes at data offset "
                        + t.offset() + " run past the end of the file (size " + size + ", data section at byte "
                        + dataOffset + ")");
            }
        }
        Integer[] order = new Integer[tensors.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(tensors.get(a).offset(), tensors.get(b).offset()));
        GgufTensorInfo previous = null;
        for (int i : order) {
            GgufTensorInfo t = tensors.get(i);
            if (t.byteSize() == 0) {
                continue;
            }
            if (previous != null && previous.offset() + previous.byteSize() > t.offset()) {
                throw fail(offsetFieldAt[i], "tensor '" + t.name() + "': data at offset " + t.offset()
                        + " overlaps tensor '" + previous.name() + "' (offsets " + previous.offset() + " to "
                        + (previous.offset() + previous.byteSize()) + ")");
            }
            previous = t;
        }
    }

    private GgufValueType readValueType(String what) {
        long at = pos;
        int id = readU32(what);
        GgufValueType type = GgufValueType.find(Integer.toUnsignedLong(id));
        if (type == null) {
            throw fail(at, what + ": unknown value type id " + Integer.toUnsignedString(id));
        }
        return type;
    }

    /** One value of {@code type}; {@code depth} counts the arrays it is nested in. */
    private GgufValue readValue(GgufValueType type, String where, int depth) {
        return switch (type) {
            case UINT8 -> new GgufValue.UInt8(Byte.toUnsignedInt(readByte(where)));
            case INT8 -> new GgufValue.Int8(readByte(where));
            case UINT16 -> new GgufValue.UInt16(Short.toUnsignedInt(readU16(where)));
            case INT16 -> new GgufValue.Int16(readU16(where));
            case UINT32 -> new GgufValue.UInt32(Integer.toUnsignedLong(readU32(where)));
            case INT32 -> new GgufValue.Int32(readU32(where));
            case FLOAT32 -> new GgufValue.Float32(Float.intBitsToFloat(readU32(where)));
            case BOOL -> readBool(where);
            case STRING -> new GgufValue.Str(readString(where));
            case ARRAY -> readArray(where, depth + 1);
            case UINT64 -> new GgufValue.UInt64(readU64(where));
            case INT64 -> new GgufValue.Int64(readU64(where));
            case FLOAT64 -> new GgufValue.Float64(Double.longBitsToDouble(readU64(where)));
        };
    }

    private GgufValue readBool(String where) {
        long at = pos;
        byte b = readByte(where);
        if (b != 0 && b != 1) {
            throw fail(at, where + ": bool byte is " + Byte.toUnsignedInt(b) + ", not 0 or 1");
        }
        return new GgufValue.Bool(b == 1);
    }

    private GgufValue.Array readArray(String where, int depth) {
        long at = pos;
        if (depth > GgufValue.MAX_ARRAY_DEPTH) {
            throw fail(at, where + ": arrays nested more than " + GgufValue.MAX_ARRAY_DEPTH + " deep");
        }
        GgufValueType elementType = readValueType(where + ": array element type");
        long lengthAt = pos;
        long length = readU64(where + ": array length");
        // Smallest possible element: its fixed size, a string's length field, an array's type and length.
        long minElementBytes = switch (elementType) {
            case STRING -> 8;
            case ARRAY -> 4 + 8;
            default -> elementType.fixedSize();
        };
        long left = size - pos;
        if (length < 0 || length > left / minElementBytes) {
            throw fail(lengthAt, where + ": array length " + Long.toUnsignedString(length) + " of " + elementType
                    + " cannot fit in the " + left + " bytes left in the file");
        }
        if (length > MAX_ARRAY_LENGTH) {
            throw fail(lengthAt, where + ": array length " + length + " is more than the limit of " + MAX_ARRAY_LENGTH);
        }
        GgufValue[] values = new GgufValue[(int) length];
        for (int i = 0; i < values.length; i++) {
            // Only nested arrays get their own name in messages: building one per element costs.
            String elementWhere = elementType == GgufValueType.ARRAY ? where + "[" + i + "]" : where;
            values[i] = readValue(elementType, elementWhere, depth);
        }
        return new GgufValue.Array(elementType, Arrays.asList(values));
    }

    /** A u64 length and that many bytes of UTF-8, checked. */
    private String readString(String what) {
        long lengthAt = pos;
        long length = readU64(what + ": string length");
        if (length < 0 || length > size - pos) {
            throw fail(lengthAt, what + ": string length " + Long.toUnsignedString(length)
                    + " is past the end of the file (" + (size - pos) + " bytes left)");
        }
        if (length > MAX_STRING_BYTES) {
            throw fail(lengthAt, what + ": string length " + length + " is more than the limit of " + MAX_STRING_BYTES);
        }
        byte[] bytes = new byte[(int) length];
        MemorySegment.copy(image, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
        long start = pos;
        pos += length;
        if (isAscii(bytes)) {
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return utf8.reset().decode(in).toString();
        } catch (CharacterCodingException e) {
            throw fail(start + in.position(), what + ": invalid UTF-8 at byte " + in.position() + " of the string");
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private byte readByte(String what) {
        need(1, what);
        return image.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private short readU16(String what) {
        need(2, what);
        short v = image.get(U16, pos);
        pos += 2;
        return v;
    }

    private int readU32(String what) {
        need(4, what);
        int v = image.get(U32, pos);
        pos += 4;
        return v;
    }

    private long readU64(String what) {
        need(8, what);
        long v = image.get(U64, pos);
        pos += 8;
        return v;
    }

    private void need(long n, String what) {
        if (size - pos < n) {
            throw fail(pos, what + ": truncated: the file ends after " + (size - pos) + " of this field's " + n + " bytes");
        }
    }

    private GgufFormatException fail(long at, String problem) {
        return new GgufFormatException(file, at, problem);
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : bytes) {
            sb.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
        }
        return sb.append('"').toString();
    }
}
