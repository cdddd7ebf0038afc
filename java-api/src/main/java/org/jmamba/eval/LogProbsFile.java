package org.jmamba.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.jmamba.JmambaException;

/**
 * The next-token log-probabilities of a perplexity run, saved so that another run (a quantized
 * model) can be compared with them. As llama.cpp's {@code --kl-divergence-base} files, each scored
 * position keeps all n_vocab log-probabilities in 16 bits, spread linearly between the row's
 * minimum and 0, so a file is about 2 bytes per vocabulary entry per scored token.
 *
 * <p>Layout, little-endian: the 8 bytes {@code jmlogits}; u32 version (1); u32 n_vocab; u32 n_ctx;
 * u32 n_chunk; the n_chunk * n_ctx i32 tokens of the windows, as tokenized; then for each chunk and
 * each scored position (n_ctx - 1 - n_ctx / 2 per chunk): f32 min, f32 step, n_vocab u16 q, the
 * log-probability being min + step * q.
 *
 * <p>A file that does not fit its header is refused with a {@link JmambaException} naming the file and the problem.
 */
public final class LogProbsFile {
    static final byte[] MAGIC = "jmlogits".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 8 + 4 * 4;

    private LogProbsFile() {}

    /** The scored positions of a window of {@code ctx} tokens: [ctx / 2, ctx - 1). */
    static int scoredPerChunk(int ctx) {
        return ctx - 1 - ctx / 2;
    }

    static long rowBytes(int nVocab) {
        return 8L + 2L * nVocab;
    }

    /** Writes a file: to a temporary file beside it, renamed into place by {@link #commit()}. */
    public static final class Writer implements AutoCloseable {
        private final Path target, tmp;
        private final OutputStream out;
        private final int nVocab;
        private final ByteBuffer row;
        private boolean committed;

        public Writer(Path target, int nVocab, int ctx, int[] windowTokens) throws IOException {
            this.target = target;
            this.nVocab = nVocab;
            Path dir = target.toAbsolutePath().getParent();
            this.tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
            this.out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
            this.row = ByteBuffer.allocate((int) rowBytes(nVocab)).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer h = ByteBuffer.allocate(HEADER + 4 * windowTokens.length).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putInt(VERSION).putInt(nVocab).putInt(ctx).putInt(windowTokens.length / ctx);
            for (int t : windowTokens) h.putInt(t);
            out.write(h.array());
        }

        /** Appends one scored position's log-probabilities (n_vocab of them, none above 0). */
        public void add(double[] logProbs) throws IOException {
            double min = 0;
            for (int i = 0; i < nVocab; i++) min = Math.min(min, logProbs[i]);
            double step = min < 0 ? -min / 65535.0 : 1.0;
            row.clear();
            row.putFloat((float) min).putFloat((float) step);
            float minF = (float) min, stepF = (float) step;
            for (int i = 0; i < nVocab; i++) {
                long q = Math.round((logProbs[i] - minF) / stepF);
                row.putShort((short) Math.max(0, Math.min(65535, q)));
            }
            out.write(row.array());
        }

        /** Makes the file appear under its name, complete. */
        public void commit() throws IOException {
            out.close();
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                out.close();
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** A saved file, mapped; every field checked against its size before use. */
    public static final class Reader implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment data;
        private final Path path;
        public final int nVocab, ctx, nChunk;

        public Reader(Path path) throws IOException {
            this.path = path;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size < HEADER) throw bad("it is " + size + " bytes, shorter than the header");
                data = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                byte[] magic = data.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE);
                if (!Arrays.equals(magic, MAGIC)) throw bad("it does not start with 'jmlogits' (not saved by jmamba perplexity --save-logits)");
                int version = u32(8);
                if (version != VERSION) throw bad("version " + version + ", this jmamba reads version " + VERSION);
                nVocab = u32(12);
                ctx = u32(16);
                nChunk = u32(20);
                if (nVocab <= 0 || ctx < 8 || nChunk <= 0) {
                    throw bad("n_vocab " + nVocab + ", n_ctx " + ctx + ", n_chunk " + nChunk + " are not a valid header");
                }
                long want = HEADER + 4L * ctx * nChunk + (long) nChunk * scoredPerChunk(ctx) * rowBytes(nVocab);
                if (size != want) {
                    throw bad("it is " + size + " bytes; its header (n_vocab " + nVocab + ", n_ctx " + ctx + ", "
                            + nChunk + " chunks) makes it " + want + (size < want ? " (truncated?)" : ""));
                }
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }

        private int u32(long off) {
            return data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), off);
        }

        private JmambaException bad(String why) {
            return new JmambaException(path + " is not a usable base-logits file: " + why);
        }

        public int token(long i) {
            return u32(HEADER + 4 * i);
        }

        /** Reads the log-probabilities of scored position {@code pos} of chunk {@code chunk} into {@code out}, normalized. */
        public void logProbs(int chunk, int pos, double[] out) {
            long off = HEADER + 4L * ctx * nChunk + ((long) chunk * scoredPerChunk(ctx) + pos) * rowBytes(nVocab);
            var f = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            var s = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            double min = data.get(f, off), step = data.get(f, off + 4);
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < nVocab; i++) {
                out[i] = min + step * (data.get(s, off + 8 + 2L * i) & 0xFFFF);
                max = Math.max(max, out[i]);
            }
            // renormalized: the 16-bit rounding leaves the probabilities summing to 1 +- 1e-4, which
            // would add that much to every KL divergence; normalized, the rounding adds ~1e-8
            double sum = 0;
            for (int i = 0; i < nVocab; i++) sum += Math.exp(out[i] - max);
            double logZ = max + Math.log(sum);
            for (int i = 0; i < nVocab; i++) out[i] -= logZ;
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
