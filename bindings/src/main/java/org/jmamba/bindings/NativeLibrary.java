package org.jmamba.bindings;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds and loads the jmamba native library once per JVM.
 *
 * <p>The library ships in one jar per platform, {@code org.jmamba:jmamba-natives-<os>-<arch>}
 * (see {@link #PLATFORMS}), under {@code org/jmamba/natives/<os>-<arch>/}; the one for the
 * platform Maven runs on comes with the bindings. The loader takes the running platform's
 * library from the class path, or from the module path, where no module requires a natives
 * jar and so it is read as a file. On first use the library is extracted into a per-user cache
 * ({@code ~/.cache/jmamba/native} or under {@code $XDG_CACHE_HOME}; on Windows under
 * {@code %LOCALAPPDATA%}), in a folder named after its content hash (so a new build never reuses
 * a stale copy and two JVMs never write the same file half-way), then loaded with
 * {@link SymbolLookup#libraryLookup(Path, Arena)}. Setting {@code -Djmamba.library.path=DIR}
 * loads {@code DIR/libjmamba.so} (or the platform's name) instead, for development.
 */
public final class NativeLibrary {
    public static final String PATH_PROPERTY = "jmamba.library.path";

    /** The platforms a natives jar is built for, as {@link #platform()} names them. */
    public static final List<String> PLATFORMS = List.of("linux-x86_64", "linux-aarch64", "windows-x86_64");

    private NativeLibrary() {}

    private static final class Holder {
        static final Path PATH = locate();
        static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup(PATH, Arena.global());
    }

    /** The symbols of the loaded library; loads it on first call. */
    public static SymbolLookup lookup() {
        return Holder.LOOKUP;
    }

    /** The file the library was loaded from. */
    public static Path path() {
        return Holder.PATH;
    }

    /** The running platform: {@code linux-x86_64}, {@code linux-aarch64}, {@code macos-aarch64}, ... */
    public static String platform() {
        return platform(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    static String platform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String o = os.contains("mac") ? "macos" : os.contains("win") ? "windows" : "linux";
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return o + "-" + a;
    }

    static String fileName() {
        return fileName(platform());
    }

    static String fileName(String p) {
        if (p.startsWith("macos")) return "libjmamba.dylib";
        if (p.startsWith("windows")) return "jmamba.dll";
        return "libjmamba.so";
    }

    private static Path locate() {
        String dir = System.getProperty(PATH_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir).resolve(fileName());
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("-D" + PATH_PROPERTY + "=" + dir + " has no " + fileName());
            }
            return p.toAbsolutePath();
        }
        String resource = "org/jmamba/natives/" + platform() + "/" + fileName();
        byte[] bytes;
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            bytes = in != null ? in.readAllBytes() : fromModulePath(resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        if (bytes == null) throw new IllegalStateException(missing(platform()));
        return extract(bytes);
    }

    /** The resource from a jmamba-natives jar on the module path, or null. */
    private static byte[] fromModulePath(String resource) throws IOException {
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath == null || modulePath.isBlank()) return null;
        String prefix = "jmamba-natives-" + platform();
        for (String entry : modulePath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            List<Path> jars;
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    jars = files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
                }
            } else {
                jars = p.getFileName() != null && p.getFileName().toString().startsWith(prefix) ? List.of(p) : List.of();
            }
            for (Path jar : jars) {
                if (!Files.isRegularFile(jar)) continue;
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    ZipEntry e = zip.getEntry(resource);
                    if (e != null) {
                        try (InputStream in = zip.getInputStream(e)) {
                            return in.readAllBytes();
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Why there is no library: which platforms are built, and what to add. */
    static String missing(String p) {
        String built = String.join(", ", PLATFORMS);
        if (PLATFORMS.contains(p)) {
            return "no jmamba native library for " + p + " on the class path or module path: add the jar "
                    + "org.jmamba:jmamba-natives-" + p + " (natives are built for " + built + "), or set -D"
                    + PATH_PROPERTY + "=DIR to a folder with " + fileName(p);
        }
        String why = p.startsWith("macos") ? "macOS is not built yet" : p + " is not built";
        return "no jmamba native library for " + p + ": " + why + "; natives are built for " + built
                + ". A library built from source (cmake) loads with -D" + PATH_PROPERTY + "=DIR";
    }

    private static Path extract(byte[] bytes) {
        String hash = sha256(bytes).substring(0, 16);
        Path dir = cacheRoot().resolve(hash);
        Path target = dir.resolve(fileName());
        try {
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) return target;
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "lib", ".tmp");
            try {
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the native library to " + dir, e);
        }
    }

    private static Path cacheRoot() {
        String local = System.getenv("LOCALAPPDATA"); // Windows' per-user cache
        if (platform().startsWith("windows") && local != null && !local.isBlank()) {
            return Path.of(local, "jmamba", "native");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jmamba").resolve("native");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
