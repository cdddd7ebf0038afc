package org.jmamba.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufFile;
import org.jmamba.testkit.RandomMamba2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The quantize and convert commands through picocli: exit codes and messages. */
class QuantizeConvertCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute(args);
        return new Run(code, err.toString());
    }

    @Test
    void quantizeWritesTheFileAndASummary() throws Exception {
        Path in = tmp.resolve("in.gguf");
        RandomMamba2.write(in, new RandomMamba2.Spec(new RandomMamba2.Shape(300, 64, 1, 128, 16, 8, 2, 4, false), GgmlType.F32, 3));
        Path out = tmp.resolve("out.gguf");
        Run r = run("quantize", in.toString(), out.toString(), "q8_0", "-t", "2", "--no-progress",
                "--tensor-type", "ssm_out=f16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("as Q8_0 (general.file_type 7)") && r.err().contains("bpw") && r.err().contains("time:"), r.err());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(GgmlType.F16, f.tensor("blk.0.ssm_out.weight").orElseThrow().type());
            assertEquals(GgmlType.Q8_0, f.tensor("blk.0.ssm_in.weight").orElseThrow().type());
        }
        // already quantized: refused, exit 1, nothing written
        Path again = tmp.resolve("again.gguf");
        Run refused = run("quantize", out.toString(), again.toString(), "Q4_0", "--no-progress");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("--allow-requantize"), refused.err());
        assertTrue(Files.notExists(again));
        assertEquals(0, run("quantize", out.toString(), again.toString(), "Q4_0", "--allow-requantize", "--no-progress").code());
    }

    @Test
    void quantizeUsageErrors() {
        Run bad = run("quantize", "a.gguf", "b.gguf", "Q9_K");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown type 'Q9_K'"), bad.err());
        Run pattern = run("quantize", "a.gguf", "b.gguf", "Q4_0", "--tensor-type", "ssm_in");
        assertEquals(2, pattern.code());
        assertTrue(pattern.err().contains("PATTERN=TYPE"), pattern.err());
        Run missing = run("quantize", tmp.resolve("none.gguf").toString(), tmp.resolve("b.gguf").toString(), "Q4_0");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("none.gguf"), missing.err());
    }

    @Test
    void convertUsageErrors() {
        Run t = run("convert", tmp.toString(), tmp.resolve("o.gguf").toString(), "--outtype", "q4_0");
        assertEquals(2, t.code());
        assertTrue(t.err().contains("f32, f16, bf16 or q8_0"), t.err());
        Run empty = run("convert", tmp.toString(), tmp.resolve("o.gguf").toString());
        assertEquals(1, empty.code());
        assertTrue(empty.err().contains("neither a Mistral checkpoint"), empty.err());
        assertTrue(Files.notExists(tmp.resolve("o.gguf")));
    }
}
