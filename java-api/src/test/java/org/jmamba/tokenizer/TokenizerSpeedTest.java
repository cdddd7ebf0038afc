package org.jmamba.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Encoding cost stays close to linear: large inputs, one huge word, and many special tokens. Times are CPU time of
 * the test thread, so a busy machine does not make them fail.
 */
class TokenizerSpeedTest {

    static <T> T timed(String what, long limitMs, Supplier<T> work) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        T result = work.get();
        long ms = (mx.getCurrentThreadCpuTime() - t0) / 1_000_000;
        assertTrue(ms < limitMs, what + " took " + ms + " ms of CPU time (limit " + limitMs + ")");
        return result;
    }

    /** Byte tokens plus merges a+a, aa+aa, ... up to a run of 1024 a's, and 1000 control tokens. */
    static Tokenizer runsOfA() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteUnicode.encode(b)));
        }
        List<String> merges = new ArrayList<>();
        for (String piece = "a"; piece.length() < 1024; piece = piece + piece) {
            merges.add(piece + " " + piece);
            tokens.add(piece + piece);
        }
        int firstControl = tokens.size();
        for (int i = 0; i < 1000; i++) {
            tokens.add("<|ctl_" + i + "|>");
        }
        int[] types = new int[tokens.size()];
        Arrays.fill(types, 1);
        Arrays.fill(types, firstControl, types.length, 3);
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.pre", "gpt-2");
        md.put("tokenizer.ggml.tokens", tokens.toArray(String[]::new));
        md.put("tokenizer.ggml.token_type", types);
        md.put("tokenizer.ggml.merges", merges.toArray(String[]::new));
        return Tokenizer.fromMetadata(TokenizerMetadata.of(md));
    }

    @Test
    void oneHugeWord() {
        Tokenizer t = runsOfA();
        String text = "a".repeat(100_000);
        int[] ids = timed("a 100 000 character word", 1000, () -> t.encode(text, EncodeOptions.PLAIN));
        // 100 000 = 97 * 1024 + 672, and 672 = 512 + 128 + 32: 97 runs of 1024 a's, then three shorter runs
        assertEquals(97 + 3, ids.length);
        assertEquals(text, t.decode(ids));
    }

    @Test
    void largeTextWithManySpecialTokens() {
        Tokenizer t = runsOfA();
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < 100_000; i++) {
            b.append("int a").append(i).append(" = aaaa(").append(i * 7).append(");\n    ");
            if (i % 50 == 0) {
                b.append("<|ctl_").append(i % 1000).append("|>");
            }
        }
        String text = b.toString();
        int[] plain = timed("100 KB, special tokens not parsed", 1000, () -> t.encode(text, EncodeOptions.PLAIN));
        int[] parsed = timed("100 KB, special tokens parsed", 1000, () -> t.encode(text, EncodeOptions.PLAIN.withParseSpecial()));
        assertEquals(text, t.decode(plain));
        assertEquals(text, t.decode(parsed, false, true));
        assertTrue(parsed.length < plain.length);
    }
}
