package org.jmamba.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.jmamba.testkit.FuzzOutcomes;

/**
 * The GGUF reader on any bytes: it accepts them, and then every value and every tensor's data can
 * be read, or it throws {@link GgufFormatException}; anything else (another exception, a hang, a
 * crash) is a finding. The normal test run replays the committed inputs in
 * {@code GgufParserFuzzTestInputs/parse}; {@code scripts/fuzz.sh} fuzzes.
 */
class GgufParserFuzzTest {
    private static final Path NAME = Path.of("fuzzed.gguf");

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] bytes) {
        try (GgufFile f = GgufFile.ofImage(NAME, MemorySegment.ofArray(bytes))) {
            f.metadata().forEach((k, v) -> v.toString());
            for (GgufTensorInfo t : f.tensors()) {
                MemorySegment d = f.tensorData(t);
                if (d.byteSize() > 0) d.get(ValueLayout.JAVA_BYTE, d.byteSize() - 1);
            }
            FuzzOutcomes.accepted("gguf-parse");
        } catch (GgufFormatException e) {
            FuzzOutcomes.refused("gguf-parse", e);
        }
    }
}
