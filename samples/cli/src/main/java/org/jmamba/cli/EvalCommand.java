package org.jmamba.cli;

import java.io.IOException;
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
import java.util.concurrent.Callable;
import org.jmamba.Model;
import org.jmamba.Session;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate token ids and write the logits after every token (float32 little-endian, one row of n_vocab per token, in input order).")
final class EvalCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--tokens", paramLabel = "IDS", description = "comma-separated token ids")
        String tokens;

        @Option(names = "--tokens-file", paramLabel = "F", description = "file of token ids separated by commas or whitespace")
        Path tokensFile;
    }

    @Option(names = "--logits-out", required = true, paramLabel = "OUT", description = "where to write the logits")
    Path out;

    @Option(names = "--batch", paramLabel = "B", description = "tokens per evaluation call (default: all in one batch; 1 = one at a time)")
    int batch = 0;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws IOException {
        int[] ids = parseIds(input.tokens != null ? input.tokens : Files.readString(input.tokensFile));
        if (ids.length == 0) throw new IllegalArgumentException("no token ids given");
        if (batch < 0) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        int b = batch == 0 ? ids.length : batch;
        try (Model m = Model.load(model, threads.options()); Session s = m.newSession()) {
            Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), out.getFileName().toString(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                for (int i = 0; i < ids.length; i += b) {
                    int[] part = Arrays.copyOfRange(ids, i, Math.min(ids.length, i + b));
                    float[] logits = s.evalAll(part);
                    ByteBuffer buf = ByteBuffer.allocate(logits.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(logits);
                    while (buf.hasRemaining()) ch.write(buf);
                }
                ch.force(true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.err.printf("wrote %d x %d logits to %s%n", ids.length, m.params().nVocab(), out);
        }
        return 0;
    }

    static int[] parseIds(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        if (t.isBlank()) return new int[0];
        String[] parts = t.split("[,\\s]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("token " + (i + 1) + " is not an integer: '" + parts[i] + "'");
            }
        }
        return ids;
    }
}
