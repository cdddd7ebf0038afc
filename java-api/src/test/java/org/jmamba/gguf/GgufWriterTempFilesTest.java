package org.jmamba.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jmamba.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's temporary file never outlives its JVM for long: a JVM ended by SIGTERM deletes it
 * (shutdown hook), and the next writer of the same target deletes what a kill -9 left behind.
 */
class GgufWriterTempFilesTest {

    /** Starts a file, prints "writing", and waits forever before committing. */
    public static final class Stuck {
        public static void main(String[] args) throws Exception {
            GgufWriter w = GgufWriter.create(Path.of(args[0]));
            w.putString("general.architecture", "mamba2").addTensor("t", GgmlType.I8, 3 * GgufWriter.BUFFER_BYTES);
            w.beginTensor("t").write(MemorySegment.ofArray(new byte[2 * GgufWriter.BUFFER_BYTES]));
            System.out.println("writing");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static List<Path> temps(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static ChildJvm.Started startStuck(Path target) throws Exception {
        ChildJvm.Started child = ChildJvm.start(Stuck.class, target.toString());
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (temps(target.getParent()).isEmpty() || Files.size(temps(target.getParent()).get(0)) < GgufWriter.BUFFER_BYTES) {
            assertTrue(child.process().isAlive(), "the child ended early");
            assertTrue(System.nanoTime() < deadline, "the child never wrote its temp file");
            Thread.sleep(20);
        }
        return child;
    }

    @Test
    void sigtermDeletesTheTempFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("out.gguf");
        ChildJvm.Started child = startStuck(target);
        child.process().destroy(); // SIGTERM
        child.await(60);
        assertEquals(List.of(), temps(dir), "SIGTERM left the temp file");
        assertFalse(Files.exists(target));
    }

    @Test
    void theNextWriterDeletesWhatAKilledProcessLeft(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("out.gguf");
        ChildJvm.Started child = startStuck(target);
        child.process().destroyForcibly(); // SIGKILL: no hook runs
        child.await(60);
        List<Path> left = temps(dir);
        assertEquals(1, left.size());
        assertTrue(left.get(0).getFileName().toString().startsWith(".out.gguf." + child.process().pid() + "-"), left.toString());
        Path other = dir.resolve(".other.gguf." + child.process().pid() + "-12ab.tmp"); // another target's: kept
        Files.writeString(other, "x");
        try (GgufWriter w = GgufWriter.create(target)) {
            w.putU32("k", 1);
            assertEquals(List.of(w.tempFile(), other).stream().sorted().toList(), temps(dir).stream().sorted().toList());
            w.commit();
        }
        assertTrue(Files.exists(target));
    }

    @Test
    void aLiveWritersTempIsKept(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("out.gguf");
        try (GgufWriter first = GgufWriter.create(target); GgufWriter second = GgufWriter.create(target)) {
            assertEquals(2, temps(dir).size()); // the first writer's process (this one) is alive
            assertNotEquals(first.tempFile(), second.tempFile());
        }
        assertEquals(List.of(), temps(dir));
    }
}
