package org.jmamba.gguf;

/** The types of GGUF metadata values, with their ids in the file. */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 0),
    ARRAY(9, 0),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int fixedSize;

    GgufValueType(int id, int fixedSize) {
        this.id = id;
        this.fixedSize = fixedSize;
    }

    /** The id stored in the file. */
    public int id() {
        return id;
    }

    /** Bytes one value takes in the file, or 0 for STRING and ARRAY, whose size varies. */
    public int fixedSize() {
        return fixedSize;
    }

    /** True for the eight integer types. */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** True for the integer types and the two floating-point types. */
    public boolean isNumber() {
        return isInteger() || this == FLOAT32 || this == FLOAT64;
    }

    /** The type with id {@code id}; IllegalArgumentException for ids that are no type. */
    public static GgufValueType fromId(int id) {
        GgufValueType t = find(id);
        if (t == null) {
            throw new IllegalArgumentException("unknown GGUF value type id " + id);
        }
        return t;
    }

    /** The type with id {@code id}, or null. */
    static GgufValueType find(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
