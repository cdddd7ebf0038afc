package org.jmamba.quantize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A safetensors file, memory-mapped and checked when opened: an 8-byte little-endian header
 * length, a JSON header mapping each tensor name to its dtype, shape (row-major, outermost first)
 * and [begin, end) byte offsets into the data that follows, and the data. Every tensor's bytes
 * must lie inside the file and match its shape and dtype; tensors may not overlap. Tensor data is
 * never copied: {@link #data} returns slices of the mapping, valid until {@link #close()}.
 */
public final class Safetensors implements AutoCloseable {
    /** Largest header accepted (the format's own limit is 100 MB). */
    static final long MAX_HEADER = 100_000_000L;

    /** One tensor: its dtype name as written ("BF16", "F32", ...), shape and data range. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        public String shapeText() {
            StringBuilder b = new StringBuilder("(");
            for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ", ").append(shape[i]);
            return b.append(shape.length == 1 ? ",)" : ")").toString();
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment map;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private Safetensors(Path path, Arena arena, MemorySegment map, long dataStart, Map<String, Entry> entries,
                        Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.map = map;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Bytes per value of a dtype, or -1 for a dtype this reader does not know. */
    public static int dtypeSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }

    /** Maps and checks {@code path}. */
    public static Safetensors open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(path, "the file has " + size + " bytes, too few for a safetensors header");
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = map.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (n < 2 || n > MAX_HEADER) throw bad(path, "header length " + Long.toUnsignedString(n) + " is not in 2.." + MAX_HEADER);
            if (8 + n > size) throw bad(path, "header of " + n + " bytes runs past the end of the file (" + size + " bytes): the file is truncated");
            byte[] json = map.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(new String(json, StandardCharsets.UTF_8).stripTrailing());
            } catch (JsonProcessingException e) {
                throw bad(path, "the header is not valid JSON: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) throw bad(path, "the header is not a JSON object");
            long dataLen = size - 8 - n;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    if (f.getValue().isObject()) {
                        f.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    }
                    continue;
                }
                entries.put(f.getKey(), entry(path, f.getKey(), f.getValue(), dataLen));
            }
            List<Entry> sorted = new ArrayList<>(entries.values());
            sorted.sort(Comparator.comparingLong(Entry::begin));
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).begin() < sorted.get(i - 1).end()) {
                    throw bad(path, "tensors '" + sorted.get(i - 1).name() + "' and '" + sorted.get(i).name()
                            + "' overlap: the header's offsets are wrong");
                }
            }
            return new Safetensors(path, arena, map, 8 + n, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(meta));
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static Entry entry(Path path, String name, JsonNode v, long dataLen) throws IOException {
        if (!v.isObject()) throw bad(path, "tensor '" + name + "': the header entry is not an object");
        JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
        if (dt == null || !dt.isTextual()) throw bad(path, "tensor '" + name + "': no dtype");
        if (sh == null || !sh.isArray()) throw bad(path, "tensor '" + name + "': no shape");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw bad(path, "tensor '" + name + "': data_offsets is not a pair of integers");
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!sh.get(i).canConvertToLong() || sh.get(i).asLong() < 0) {
                throw bad(path, "tensor '" + name + "': shape " + sh + " is not a list of non-negative integers");
            }
            shape[i] = sh.get(i).asLong();
        }
        long begin = off.get(0).asLong(), end = off.get(1).asLong();
        Entry e = new Entry(name, dt.asText(), shape, begin, end);
        if (begin < 0 || end < begin) throw bad(path, "tensor '" + name + "': data_offsets [" + begin + ", " + end + "] are not an ascending pair");
        if (end > dataLen) {
            throw bad(path, "tensor '" + name + "' ends at byte " + end + " of the data, which holds only " + dataLen
                    + " bytes: the file is truncated or its header's offsets are wrong");
        }
        int size = dtypeSize(e.dtype());
        if (size > 0) {
            long want;
            try {
                want = Math.multiplyExact(e.elements(), size);
            } catch (ArithmeticException x) {
                throw bad(path, "tensor '" + name + "': shape " + e.shapeText() + " is too large");
            }
            if (want != end - begin) {
                throw bad(path, "tensor '" + name + "': " + e.dtype() + " " + e.shapeText() + " takes " + want
                        + " bytes, but its data_offsets span " + (end - begin));
            }
        }
        return e;
    }

    private static QuantizeException bad(Path path, String why) {
        return new QuantizeException(path + ": " + why);
    }

    public Path path() {
        return path;
    }

    /** Every tensor, in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Optional<Entry> entry(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** The {@code __metadata__} strings. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The bytes of {@code e}, a read-only slice of the mapping. */
    public MemorySegment data(Entry e) {
        return map.asSlice(dataStart + e.begin(), e.end() - e.begin()).asReadOnly();
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
