package org.jmamba.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which natives jar the loader takes, and what it says when there is none for the platform. */
class NativeLibraryTest {

    @Test
    void platformNames() {
        assertEquals("linux-x86_64", NativeLibrary.platform("Linux", "amd64"));
        assertEquals("linux-aarch64", NativeLibrary.platform("Linux", "aarch64"));
        assertEquals("windows-x86_64", NativeLibrary.platform("Windows 11", "amd64"));
        assertEquals("macos-aarch64", NativeLibrary.platform("Mac OS X", "aarch64"));
        assertEquals("jmamba.dll", NativeLibrary.fileName("windows-x86_64"));
        assertEquals("libjmamba.so", NativeLibrary.fileName("linux-aarch64"));
    }

    @Test
    void missingNativesNameTheBuiltPlatforms() {
        String mac = NativeLibrary.missing("macos-aarch64");
        assertTrue(mac.contains("macOS is not built yet"), mac);
        for (String p : NativeLibrary.PLATFORMS) assertTrue(mac.contains(p), mac);
        String riscv = NativeLibrary.missing("linux-riscv64");
        assertTrue(riscv.contains("linux-riscv64 is not built"), riscv);
        String win = NativeLibrary.missing("windows-x86_64");
        assertTrue(win.contains("add the jar org.jmamba:jmamba-natives-windows-x86_64"), win);
        assertTrue(win.contains("jmamba.dll"), win);
    }

    /** The natives jar of this platform is on the test class path (the bindings bring it). */
    @Test
    void loadsTheRunningPlatformsLibraryFromItsJar() throws Exception {
        String dir = System.getProperty(NativeLibrary.PATH_PROPERTY); // the pom passes it empty when unset
        Assumptions.assumeTrue(dir == null || dir.isBlank(),
                "skipped: -D" + NativeLibrary.PATH_PROPERTY + " loads a library from a folder instead");
        Path jar = nativesJar();
        String resource = "org/jmamba/natives/" + NativeLibrary.platform() + "/" + NativeLibrary.fileName();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            long size = zip.getEntry(resource).getSize();
            assertEquals(size, Files.size(NativeLibrary.path()), "the extracted copy of " + resource);
        }
    }

    /**
     * On the module path no module requires a natives jar, so it is not resolved: the loader
     * reads it as a file. A JVM with the bindings on the class path and the natives jar only
     * on the module path loads the library.
     */
    @Test
    void findsTheNativesJarOnTheModulePath(@TempDir Path cache) throws Exception {
        Path jar = nativesJar();
        List<String> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("jmamba-natives-") && !e.contains("natives" + File.separator)).toList();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "--module-path", jar.toString(), "-cp", String.join(File.pathSeparator, cp),
                "org.jmamba.bindings.NativeLibraryTest$Probe");
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith(cache.toString()), "extracted into the cache: " + out);
    }

    /** {@code -Djmamba.library.path=DIR} loads DIR's library, not the natives jar's. */
    @Test
    void libraryPathPropertyWins(@TempDir Path dir) throws Exception {
        Path jar = nativesJar();
        String resource = "org/jmamba/natives/" + NativeLibrary.platform() + "/" + NativeLibrary.fileName();
        try (ZipFile zip = new ZipFile(jar.toFile()); var in = zip.getInputStream(zip.getEntry(resource))) {
            Files.copy(in, dir.resolve(NativeLibrary.fileName()));
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-D" + NativeLibrary.PATH_PROPERTY + "=" + dir, "-cp", System.getProperty("java.class.path"),
                "org.jmamba.bindings.NativeLibraryTest$Probe");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals(dir.resolve(NativeLibrary.fileName()).toString(), out);
    }

    /** Run in a child JVM: loads the library and prints where it came from. */
    static final class Probe {
        public static void main(String[] args) {
            jmamba_h.jm_version();
            System.out.println(NativeLibrary.path());
        }
    }

    private static Path nativesJar() {
        String name = "jmamba-natives-" + NativeLibrary.platform();
        Path jar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).filter(p -> p.getFileName().toString().startsWith(name)
                        && p.getFileName().toString().endsWith(".jar"))
                .findFirst().orElse(null);
        Assumptions.assumeTrue(jar != null, "skipped: no " + name + " jar on the class path (a build that stops"
                + " before package puts the natives' classes folder there)");
        return jar;
    }
}
