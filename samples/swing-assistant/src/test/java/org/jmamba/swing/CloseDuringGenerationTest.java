package org.jmamba.swing;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** Closing the window while a completion is generated ends the JVM cleanly: exit 0, no native crash. */
@EnabledIfEnvironmentVariable(named = "DISPLAY", matches = ".+",
        disabledReason = "no display: the window tests need an X display (scripts/test.sh starts Xvfb, or run under xvfb-run)")
class CloseDuringGenerationTest {
    @Test
    void theJvmExitsCleanly(@TempDir Path dir) throws Exception {
        TestModel.path(); // written here, not in the child
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "-Djmamba.swing.maxTokens=1000000",
                "-Duser.dir=" + Path.of("").toAbsolutePath(),
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                "-cp", System.getProperty("java.class.path"), CloseDuringGeneration.class.getName());
        Process p = new ProcessBuilder(cmd).directory(new File(".")).redirectErrorStream(true).start();
        // read aside: reading to the end waits for the JVM to exit, which is what is checked
        var output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes());
            } catch (IOException e) {
                return "(its output could not be read: " + e + ")";
            }
        });
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        String out = output.get(30, TimeUnit.SECONDS);
        assertTrue(ended, "the JVM did not exit within 120 s of closing the window:\n" + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("closed during generation"), out);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "a native crash left an error file");
        }
    }
}
