package org.jmamba.bindings;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java struct layouts equal the C ABI, checked independently of the generator: a C program
 * written from the Java layouts prints {@code sizeof}, {@code _Alignof}, and every field's
 * {@code offsetof} and size as the C compiler sees them, and each number must equal the Java one.
 * Skipped when no C compiler ({@code $CC}, else {@code cc}) can be run.
 */
class StructLayoutTest {

    record Struct(Class<?> type, GroupLayout layout) {
        String name() {
            return layout.name().orElseThrow();
        }
    }

    @Test
    void everyStructMatchesTheCompiler(@TempDir Path tmp) throws Exception {
        Path root = TestPaths.root();
        List<Struct> structs = structs(TestPaths.generatedSources(root), "org.jmamba.bindings", StructLayoutTest.class.getClassLoader());
        assertFalse(structs.isEmpty(), "no struct classes found");
        for (String n : List.of("jm_error", "jm_context_params", "jm_model_params")) {
            assertTrue(structs.stream().anyMatch(s -> s.name().equals(n)), n + " not found");
        }
        int fields = compareWithC(tmp, root.resolve("native-src/include"), "jmamba.h", structs);
        System.out.println("[StructLayoutTest] " + structs.size() + " structs, " + fields
                + " fields equal to the C compiler's layout");
    }

    /** Every struct class in {@code dir} (classes with a static {@code layout()} of their own). */
    static List<Struct> structs(Path dir, String pkg, ClassLoader loader) throws IOException, ReflectiveOperationException {
        List<Struct> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".java")) continue;
                Class<?> c = Class.forName(pkg + "." + file.substring(0, file.length() - 5), true, loader);
                Method m;
                try {
                    m = c.getDeclaredMethod("layout");
                } catch (NoSuchMethodException e) {
                    continue;
                }
                if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != GroupLayout.class) continue;
                out.add(new Struct(c, (GroupLayout) m.invoke(null)));
            }
        }
        return out;
    }

    /**
     * Compiles and runs a probe that includes {@code header} from {@code includeDir} and checks
     * every struct's size, alignment, and its fields' offsets and sizes (both the layout's and
     * the class's {@code name$offset()}). Returns how many fields were checked; skips the
     * calling test when there is no C compiler.
     */
    static int compareWithC(Path tmp, Path includeDir, String header, List<Struct> structs) throws Exception {
        String cc = System.getenv().getOrDefault("CC", "cc");
        try {
            run(tmp, List.of(cc, "--version"));
        } catch (IOException e) {
            Assumptions.abort("no C compiler (" + cc + "): " + e.getMessage() + "; struct layouts NOT checked against C");
        }
        // Tagged structs are "struct x" in C; anonymous ones only have their typedef name.
        Map<String, String> spelling = new HashMap<>();
        for (Struct s : structs) spelling.put(s.name(), "struct " + s.name());
        Path exe = tmp.resolve("probe");
        Result r = compile(tmp, cc, includeDir, probe(header, structs, spelling), exe);
        if (r.rc != 0) {
            for (Struct s : structs) {
                String one = "#include <stddef.h>\n#include \"" + header + "\"\nsize_t x = sizeof(struct " + s.name() + ");\n";
                if (compile(tmp, cc, includeDir, one, tmp.resolve("one.o")).rc != 0) spelling.put(s.name(), s.name());
            }
            r = compile(tmp, cc, includeDir, probe(header, structs, spelling), exe);
        }
        assertEquals(0, r.rc, "the layout probe does not compile:\n" + r.out);
        Result run = run(tmp, List.of(exe.toString()));
        assertEquals(0, run.rc, run.out);

        Map<String, Long> c = new HashMap<>();
        for (String line : run.out.split("\n")) {
            if (line.isBlank()) continue;
            int eq = line.lastIndexOf('=');
            c.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        }
        int checked = 0;
        for (Struct s : structs) {
            String n = s.name();
            assertEquals(num(c, n + ".sizeof"), s.layout.byteSize(), n + ": sizeof");
            assertEquals(num(c, n + ".sizeof"), (long) (Long) s.type.getMethod("sizeof").invoke(null), n + ".sizeof()");
            assertEquals(num(c, n + ".alignof"), s.layout.byteAlignment(), n + ": alignment");
            for (MemoryLayout m : s.layout.memberLayouts()) {
                if (m instanceof PaddingLayout) continue;
                String f = m.name().orElseThrow();
                long off = num(c, n + "." + f + ".offset");
                assertEquals(off, s.layout.byteOffset(groupElement(f)), n + "." + f + ": offset in the layout");
                assertEquals(off, (long) (Long) s.type.getMethod(javaName(f) + "$offset").invoke(null),
                        n + "." + f + "$offset()");
                assertEquals(num(c, n + "." + f + ".size"), m.byteSize(), n + "." + f + ": size");
                checked++;
            }
        }
        assertTrue(checked > 0, "no fields checked");
        return checked;
    }

    static long num(Map<String, Long> c, String key) {
        Long v = c.get(key);
        if (v == null) fail("the probe printed no " + key);
        return v;
    }

    static String javaName(String f) {
        return SourceVersion.isKeyword(f) || f.equals("_") ? f + "_" : f;
    }

    static String probe(String header, List<Struct> structs, Map<String, String> spelling) {
        StringBuilder b = new StringBuilder("""
                #include <stddef.h>
                #include <stdio.h>
                #include "%s"

                int main(void) {
                """.formatted(header));
        for (Struct s : structs) {
            String n = s.name();
            String t = spelling.get(n);
            b.append("    printf(\"%s.sizeof=%%zu\\n\", sizeof(%s));\n".formatted(n, t));
            b.append("    printf(\"%s.alignof=%%zu\\n\", (size_t)_Alignof(%s));\n".formatted(n, t));
            for (MemoryLayout m : s.layout.memberLayouts()) {
                if (m instanceof PaddingLayout) continue;
                String f = m.name().orElseThrow();
                b.append("    printf(\"%s.%s.offset=%%zu\\n\", offsetof(%s, %s));\n".formatted(n, f, t, f));
                b.append("    printf(\"%s.%s.size=%%zu\\n\", sizeof(((%s *)0)->%s));\n".formatted(n, f, t, f));
            }
        }
        return b.append("    return 0;\n}\n").toString();
    }

    record Result(int rc, String out) {}

    static Result compile(Path tmp, String cc, Path includeDir, String source, Path out) throws Exception {
        Path src = tmp.resolve(out.getFileName() + ".c");
        Files.writeString(src, source);
        List<String> cmd = new ArrayList<>(List.of(cc, "-std=c11", "-Wall", "-I", includeDir.toString()));
        if (out.toString().endsWith(".o")) cmd.add("-c");
        cmd.addAll(List.of(src.toString(), "-o", out.toString()));
        return run(tmp, cmd);
    }

    static Result run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
