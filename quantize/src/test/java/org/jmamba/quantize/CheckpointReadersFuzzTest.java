package org.jmamba.quantize;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmamba.testkit.FuzzOutcomes;
import org.jmamba.JmambaException;

/**
 * The readers of convert's checkpoint files on any bytes: config.json, params.json,
 * tokenizer.model, tokenizer.json and safetensors. Each refuses bad input with a
 * {@link QuantizeException} (a {@link JmambaException}) naming the file, or accepts it; another
 * exception, a hang or a crash is a finding. Each input is written to a file of the name convert
 * reads, in a folder of its own.
 */
class CheckpointReadersFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("jmamba-fuzz-checkpoint");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    interface Reader {
        void read(Path file) throws IOException;
    }

    private static void run(String target, String fileName, byte[] bytes, Reader reader) throws IOException {
        Path file = DIR.resolve(fileName);
        file.toFile().deleteOnExit();
        Files.write(file, bytes);
        try {
            reader.read(file);
            FuzzOutcomes.accepted(target);
        } catch (JmambaException e) {
            if (!e.getMessage().contains(fileName)) throw new AssertionError("the message does not name the file: " + e.getMessage(), e);
            FuzzOutcomes.refused(target, e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void configJson(byte[] bytes) throws IOException {
        run("config.json", "config.json", bytes, Mamba2Config::fromHfConfig);
    }

    @FuzzTest(maxDuration = "60s")
    void paramsJson(byte[] bytes) throws IOException {
        run("params.json", "params.json", bytes, Mamba2Config::fromMistralParams);
    }

    @FuzzTest(maxDuration = "60s")
    void tokenizerModel(byte[] bytes) throws IOException {
        run("tokenizer.model", "tokenizer.model", bytes, Vocab::fromSentencePiece);
    }

    @FuzzTest(maxDuration = "60s")
    void tokenizerJson(byte[] bytes) throws IOException {
        run("tokenizer.json", "tokenizer.json", bytes, Vocab::fromTokenizerJson);
    }

    @FuzzTest(maxDuration = "60s")
    void safetensors(byte[] bytes) throws IOException {
        run("safetensors", "model.safetensors", bytes, file -> {
            try (Safetensors st = Safetensors.open(file)) {
                for (Safetensors.Entry e : st.entries().values()) st.data(e);
            }
        });
    }
}
