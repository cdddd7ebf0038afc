package org.jmamba.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncates, bit-flips and overwrites valid GGUF files (fixed seeds) and checks that the reader
 * either accepts the result, with every tensor's data readable, or refuses it with a
 * {@link GgufFormatException}: never another exception, an OutOfMemoryError or a stack overflow.
 * The timeout only guards against a hang; it is far above the run time.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GgufFuzzTest {
    static final Path NAME = Path.of("mutant.gguf");

    @TempDir
    Path dir;

    /** A valid image and where its header ends (mutations aim there: the data section is opaque). */
    record Source(String name, byte[] bytes, int headerEnd) {
        static Source of(String name, byte[] bytes) throws GgufFormatException {
            try (GgufFile f = GgufFile.ofImage(NAME, MemorySegment.ofArray(bytes))) {
                return new Source(name, bytes, (int) f.dataOffset());
            }
        }
    }

    private Source writerMade() throws IOException {
        Path p = dir.resolve("writer.gguf");
        GgufWriterTest.write(p, 32, GgufWriterTest.everyValue(), GgufWriterTest.someTensors(1));
        return Source.of("writer-made", Files.readAllBytes(p));
    }

    /**
     * Every cut before the end of the last tensor's data is refused; cuts in the padding after it
     * are accepted (ggml writes that padding, but no data lives there).
     */
    @Test
    void everyTruncationOfAWriterMadeFileIsRefused() throws IOException {
        Source s = writerMade();
        long dataEnd;
        try (GgufFile f = GgufFile.ofImage(NAME, MemorySegment.ofArray(s.bytes()))) {
            dataEnd = f.dataOffset() + f.tensors().stream().mapToLong(t -> t.offset() + t.byteSize()).max().orElseThrow();
        }
        assertTrue(dataEnd < s.bytes().length, "the file ends with padding");
        for (int n = 0; n < s.bytes().length; n++) {
            byte[] cut = Arrays.copyOf(s.bytes(), n);
            if (n < dataEnd) {
                GgufFormatException e = expectRefused(cut, s.name() + " cut at " + n);
                assertTrue(e.byteOffset() <= n, e.getMessage());
            } else {
                check(cut, s.name() + " cut at " + n);
            }
        }
    }

    @Test
    void mutatedWriterMadeAndHandBuiltFiles() throws IOException {
        mutate(writerMade(), 11, 3000);
        mutate(Source.of("hand-built", GgufReaderTest.everyTypeImage(3)), 12, 2000);
    }

    @Test
    void mutatedLlamaCppFiles() throws IOException {
        mutate(Source.of("f32", Files.readAllBytes(GgufLlamaFilesTest.testdata("mamba2-tiny-f32.gguf"))), 21, 1200);
        mutate(Source.of("q8_0", Files.readAllBytes(GgufLlamaFilesTest.testdata("mamba2-tiny-q8_0.gguf"))), 22, 1200);
        mutate(Source.of("vocab", Files.readAllBytes(GgufLlamaFilesTest.testdata("ggml-vocab-llama-spm.gguf"))), 23, 250);
    }

    private static final long[] INTERESTING_U64 = {
        0, 1, 2, 31, 32, 63, 64, -1L, -32L, 1L << 31, 1L << 32, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFF_FFFFL,
    };
    private static final int[] INTERESTING_U32 = {
        0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 31, 36, 39, 40, 41, 42, 64, -1, 0x7FFF_FFFF, 0x0300_0000,
    };

    /** {@code count} mutations of {@code s}, each checked; every 40th also through a real file. */
    private void mutate(Source s, long seed, int count) throws IOException {
        Random r = new Random(seed);
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            byte[] m = s.bytes().clone();
            int headerEnd = Math.max(1, s.headerEnd());
            String what;
            switch (r.nextInt(6)) {
                case 0 -> {
                    int n = r.nextInt(m.length);
                    m = Arrays.copyOf(m, n);
                    what = "truncated to " + n;
                }
                case 1 -> {
                    int flips = 1 + r.nextInt(4);
                    for (int k = 0; k < flips; k++) {
                        m[r.nextInt(headerEnd)] ^= (byte) (1 << r.nextInt(8));
                    }
                    what = flips + " bit flips in the header";
                }
                case 2 -> {
                    int at = r.nextInt(m.length);
                    m[at] ^= (byte) (1 << r.nextInt(8));
                    what = "bit flip at " + at;
                }
                case 3 -> {
                    int at = r.nextInt(headerEnd);
                    m[at] = (byte) new int[] {0, 1, 7, 8, 9, 0x7F, 0x80, 0xC0, 0xFF}[r.nextInt(9)];
                    what = "byte " + at + " overwritten";
                }
                case 4 -> {
                    int at = r.nextInt(headerEnd);
                    long v = r.nextInt(4) == 0 ? r.nextLong() : INTERESTING_U64[r.nextInt(INTERESTING_U64.length)];
                    put(m, at, v, 8);
                    what = "u64 " + Long.toUnsignedString(v) + " at " + at;
                }
                default -> {
                    int at = r.nextInt(headerEnd);
                    int v = INTERESTING_U32[r.nextInt(INTERESTING_U32.length)];
                    put(m, at, v, 4);
                    what = "u32 " + Integer.toUnsignedString(v) + " at " + at;
                }
            }
            if (r.nextInt(5) == 0 && m.length > 0) {
                int n = r.nextInt(m.length);
                m = Arrays.copyOf(m, n);
                what += ", then truncated to " + n;
            }
            String label = s.name() + " mutation " + i + " (seed " + seed + "): " + what;
            accepted += check(m, label) ? 1 : 0;
            if (i % 40 == 0) {
                checkOnDisk(m, label);
            }
        }
        // Both outcomes must be common, or the mutations test little.
        assertTrue(accepted > count / 20 && accepted < count - count / 20, s.name() + ": " + accepted + " of " + count + " accepted");
    }

    private static void put(byte[] m, int at, long v, int width) {
        for (int k = 0; k < width && at + k < m.length; k++) {
            m[at + k] = (byte) (v >>> (8 * k));
        }
    }

    /** Accepted (true) with every tensor readable, or refused with a well-formed GgufFormatException. */
    private static boolean check(byte[] image, String label) {
        try (GgufFile f = GgufFile.ofImage(NAME, MemorySegment.ofArray(image))) {
            useEverything(f);
            return true;
        } catch (GgufFormatException e) {
            checkMessage(e, NAME, image.length, label);
            return false;
        } catch (Throwable t) {
            return fail(label + ": threw " + t, t);
        }
    }

    private void checkOnDisk(byte[] image, String label) throws IOException {
        Path p = dir.resolve("mutant.gguf");
        Files.write(p, image);
        try (GgufFile f = GgufFile.open(p)) {
            useEverything(f);
        } catch (GgufFormatException e) {
            checkMessage(e, p, image.length, label);
        } catch (Throwable t) {
            fail(label + " (on disk): threw " + t, t);
        }
        Files.delete(p);
    }

    private static void useEverything(GgufFile f) {
        for (GgufTensorInfo t : f.tensors()) {
            MemorySegment d = f.tensorData(t);
            if (d.byteSize() > 0) {
                d.get(ValueLayout.JAVA_BYTE, 0);
                d.get(ValueLayout.JAVA_BYTE, d.byteSize() - 1);
            }
        }
        for (GgufValue v : f.metadata().values()) {
            v.asText();
        }
    }

    private static void checkMessage(GgufFormatException e, Path file, long size, String label) {
        assertTrue(e.getMessage().startsWith(file + ": at byte " + e.byteOffset() + ": "), label + ": " + e.getMessage());
        assertTrue(e.byteOffset() >= 0 && e.byteOffset() <= size, label + ": " + e.getMessage());
    }

    private static GgufFormatException expectRefused(byte[] image, String label) {
        GgufFile accepted;
        try {
            accepted = GgufFile.ofImage(NAME, MemorySegment.ofArray(image));
        } catch (GgufFormatException e) {
            checkMessage(e, NAME, image.length, label);
            return e;
        } catch (Throwable t) {
            return fail(label + ": threw " + t, t);
        }
        accepted.close();
        return fail(label + ": accepted");
    }
}
