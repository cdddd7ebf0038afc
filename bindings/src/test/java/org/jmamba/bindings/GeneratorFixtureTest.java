package org.jmamba.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generator on C that jmamba.h does not use yet ({@code bindings/src/test/c/fixture.h}):
 * padding, nested structs, arrays of structs, 2-D arrays, anonymous and aliased structs,
 * typedefs, enums, macros, structs by value in both directions. Generates bindings for it,
 * compiles them, checks their layouts against the C compiler and calls every function of
 * {@code fixture.c} through them. Also checks that unsupported C fails loudly and that
 * {@code --check} notices changed, missing and stale files.
 *
 * <p>Skipped like {@link GeneratedBindingsUpToDateTest} without python3/libclang, and
 * without a C compiler.
 */
class GeneratorFixtureTest {
    static final String PKG = "org.jmamba.bindings.fixture";

    static Path fixtureDir() {
        return TestPaths.root().resolve("bindings/src/test/c");
    }

    static String cc() {
        return System.getenv().getOrDefault("CC", "cc");
    }

    static void requireCc(Path tmp) throws Exception {
        try {
            StructLayoutTest.run(tmp, List.of(cc(), "--version"));
        } catch (IOException e) {
            Assumptions.abort("no C compiler (" + cc() + "): " + e.getMessage());
        }
    }

    static String[] generateArgs(Path out, Path critical) {
        return new String[] {"--header", "bindings/src/test/c/fixture.h", "--out", out.toString(),
                "--package", PKG, "--critical", critical.toString(), "--lookup", "FixtureLibrary.lookup()", "-q"};
    }

    @Test
    void fixtureBindingsCompileMatchCAndCallThrough(@TempDir Path tmp) throws Throwable {
        Path root = TestPaths.root();
        Path src = tmp.resolve("src");
        Path out = src.resolve(PKG.replace('.', '/'));
        Path critical = tmp.resolve("critical.txt");
        Files.writeString(critical, "# test\nfx_add\nfx_point_add  # by value\n");
        GeneratorProcess.Result g = GeneratorProcess.run(root, generateArgs(out, critical));
        assertEquals(0, g.rc(), g.out());
        requireCc(tmp);

        String header = Files.readString(out.resolve("fixture_h.java"));
        assertTrue(header.contains("findOrThrow(\"fx_add\");\n\n        public static final MethodHandle HANDLE = "
                + "Linker.nativeLinker().downcallHandle(ADDR, DESC,\n                Linker.Option.critical(false));"), "fx_add is critical");
        assertFalse(header.contains("FX_STRING") || header.contains("FX_FUNC") || header.contains("FX_EMPTY =")
                || header.contains("FX_API ="), "only number macros become constants");

        Files.writeString(out.resolve("FixtureLibrary.java"), """
                package %s;

                import java.lang.foreign.Arena;
                import java.lang.foreign.SymbolLookup;
                import java.nio.file.Path;

                final class FixtureLibrary {
                    static final SymbolLookup LOOKUP =
                            SymbolLookup.libraryLookup(Path.of(System.getProperty("jmamba.fixture.lib")), Arena.global());

                    static SymbolLookup lookup() {
                        return LOOKUP;
                    }
                }
                """.formatted(PKG));
        Path lib = tmp.resolve("libfixture.so");
        StructLayoutTest.Result built = StructLayoutTest.run(tmp, List.of(cc(), "-std=c11", "-Wall", "-shared", "-fPIC",
                "-I", fixtureDir().toString(), fixtureDir().resolve("fixture.c").toString(), "-o", lib.toString()));
        assertEquals(0, built.rc(), built.out());
        System.setProperty("jmamba.fixture.lib", lib.toString());

        Path classes = tmp.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "--release", "22", "-proc:none", "-Xlint:all,-restricted", "-Werror"));
        try (Stream<Path> files = Files.list(out)) {
            files.forEach(f -> args.add(f.toString()));
        }
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "the generated fixture bindings compile");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            List<StructLayoutTest.Struct> structs = StructLayoutTest.structs(out, PKG, loader);
            assertEquals(List.of("fx_inner", "fx_mode", "fx_outer", "fx_padded", "fx_point", "fx_sub", "fx_tagged"),
                    structs.stream().map(StructLayoutTest.Struct::name).sorted().toList());
            int fields = StructLayoutTest.compareWithC(tmp, fixtureDir(), "fixture.h", structs);
            assertEquals(22, fields);

            Class<?> h = loader.loadClass(PKG + ".fixture_h");
            checkConstants(h);
            checkCalls(h, loader);
            Class<?> alias = loader.loadClass(PKG + ".fx_alias");
            assertEquals(loader.loadClass(PKG + ".fx_tagged"), alias.getSuperclass(), "typedef alias extends the struct");
        }
    }

    static void checkConstants(Class<?> h) throws ReflectiveOperationException {
        assertEquals(42, h.getField("FX_INT").get(null));
        assertEquals(-7, h.getField("FX_NEG").get(null));
        assertEquals(-1, h.getField("FX_HEX").get(null), "0xFFFFFFFFu wraps to int");
        assertEquals(1L << 40, h.getField("FX_BIG").get(null));
        assertEquals(168, h.getField("FX_SHIFTED").get(null));
        assertEquals((int) 'x', h.getField("FX_CHAR").get(null));
        assertEquals(8, h.getField("FX_SIZEOF").get(null));
        assertEquals(7, h.getField("FX_AFTER_BROKEN").get(null), "a broken macro does not hide the next ones");
        for (String name : List.of("FX_UNBALANCED", "FX_STATEMENT", "FX_TYPE", "FX_STRING", "FX_FUNC", "FX_EMPTY", "FX_API")) {
            assertThrows(NoSuchFieldException.class, () -> h.getField(name), name + " is not a constant");
        }
        assertEquals(2.5, h.getField("FX_DOUBLE").get(null));
        assertEquals(0.25f, h.getField("FX_FLOAT").get(null));
        assertEquals(3, h.getField("FX_ANON_A").get(null));
        assertEquals(-2, h.getField("FX_ANON_B").get(null));
        assertEquals(Integer.MIN_VALUE, h.getField("FX_FLAG_HIGH").get(null));
        assertEquals(6, h.getField("FX_BLUE").get(null));
        assertEquals(2, h.getField("FX_MODE_B").get(null), "enum defined inside a struct");
        for (String name : List.of("FX_INT", "FX_BIG", "FX_BLUE")) {
            assertTrue(Modifier.isFinal(h.getField(name).getModifiers()) && Modifier.isStatic(h.getField(name).getModifiers()));
        }
        assertEquals(ValueLayout.JAVA_INT, h.getField("fx_status").get(null));
        assertEquals(ValueLayout.JAVA_LONG, h.getField("fx_size").get(null));
        assertEquals(16L, ((java.lang.foreign.MemoryLayout) h.getField("fx_vec4").get(null)).byteSize());
    }

    static void checkCalls(Class<?> h, ClassLoader loader) throws Throwable {
        Class<?> padded = loader.loadClass(PKG + ".fx_padded");
        Class<?> outer = loader.loadClass(PKG + ".fx_outer");
        Class<?> inner = loader.loadClass(PKG + ".fx_inner");
        Class<?> point = loader.loadClass(PKG + ".fx_point");
        assertEquals(5, call(h, "fx_add", 2, 3));
        assertEquals(3L << 33, call(h, "fx_mul64", 1L << 33, 3));
        assertEquals(-3.5, call(h, "fx_mix", 1.5f, 2.0, true));
        assertEquals((byte) -5, call(h, "fx_neg8", (byte) 5));
        assertEquals((short) -300, call(h, "fx_neg16", (short) 300));
        call(h, "fx_nothing");
        assertEquals(3, call(h, "fx_fail", MemorySegment.NULL, 1, 2), "keyword-named parameters");
        assertEquals(0, call(h, "fx_next_color", 6));
        assertEquals("hello from C", ((MemorySegment) call(h, "fx_greeting")).getString(0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(ValueLayout.JAVA_INT, 4);
            call(h, "fx_fill", buf, 4L, 9);
            assertArrayEquals(new int[] {9, 9, 9, 9}, buf.toArray(ValueLayout.JAVA_INT));

            MemorySegment p = (MemorySegment) call(h, "fx_make_padded", arena, (byte) 'x', 1.5);
            assertEquals((byte) 'x', call(padded, "c", p));
            assertEquals(1.5, call(padded, "d", p));
            assertEquals((short) -3, call(padded, "s", p));
            assertEquals(123456, call(padded, "i", p));
            assertEquals((byte) 200, call(padded, "tail", p));
            call(padded, "i", p, 1000);
            assertEquals('x' + 1.5 - 3 + 1000 + 200, call(h, "fx_sum_padded", p), "struct by value as a parameter");

            MemorySegment name = arena.allocateFrom("fixture");
            MemorySegment o = (MemorySegment) call(h, "fx_make_outer", arena, name);
            assertEquals(true, call(outer, "flag", o));
            MemorySegment in = (MemorySegment) call(outer, "inner", o);
            assertEquals((byte) -1, call(inner, "a", in));
            assertEquals(1L << 40, call(inner, "b", in));
            MemorySegment pair1 = (MemorySegment) call(outer, "pair", o, 1L);
            assertEquals((byte) 7, call(inner, "a", pair1));
            assertEquals(-9L, call(inner, "b", pair1));
            assertEquals(12.0f, call(outer, "grid", o, 1L, 2L));
            call(outer, "grid", o, 0L, 1L, 99f);
            assertEquals(99f, ((MemorySegment) call(outer, "grid", o)).getAtIndex(ValueLayout.JAVA_FLOAT, 1));
            assertEquals("fixture", ((MemorySegment) call(outer, "name", o)).getString(0));
            assertEquals(MemorySegment.NULL, call(outer, "handle", o));
            assertEquals(Integer.MIN_VALUE, call(outer, "flags", o));
            assertEquals(6, call(outer, "color", o));
            assertEquals("abcd", ((MemorySegment) call(outer, "label", o)).getString(0));
            assertEquals((byte) 'c', call(outer, "label", o, 2L));
            assertArrayEquals(new long[] {2, 3}, (long[]) call(outer, "grid$dimensions"));

            MemorySegment a = (MemorySegment) call(point, "allocate", arena);
            MemorySegment b = (MemorySegment) call(point, "allocate", arena);
            call(point, "x", a, 1);
            call(point, "y", a, 2);
            call(point, "x", b, 10);
            call(point, "y", b, 20);
            MemorySegment sum = (MemorySegment) call(h, "fx_point_add", arena, a, b);
            assertEquals(11, call(point, "x", sum));
            assertEquals(22, call(point, "y", sum));
            MemorySegment arr = (MemorySegment) call(point, "allocateArray", 3L, arena);
            assertEquals(24L, arr.byteSize());
        }
    }

    /** Calls the public static method {@code name} of {@code c} whose parameters accept {@code args}. */
    static Object call(Class<?> c, String name, Object... args) throws Throwable {
        for (Method m : c.getMethods()) {
            if (!m.getName().equals(name) || !Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != args.length) continue;
            Class<?>[] types = m.getParameterTypes();
            boolean ok = true;
            for (int i = 0; i < types.length && ok; i++) ok = box(types[i]).isInstance(args[i]);
            if (!ok) continue;
            try {
                return m.invoke(null, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        throw new AssertionError("no method " + c.getSimpleName() + "." + name + " for " + args.length + " arguments");
    }

    static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) return t;
        return switch (t.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "byte" -> Byte.class;
            case "short" -> Short.class;
            case "float" -> Float.class;
            case "double" -> Double.class;
            case "boolean" -> Boolean.class;
            default -> throw new IllegalArgumentException(t.getName());
        };
    }

    static Stream<Arguments> unsupported() {
        return Stream.of(
                Arguments.of("union u { int a; float b; };", "unions are not supported"),
                Arguments.of("struct s { int a : 3; int b; };", "bit fields are not supported"),
                Arguments.of("typedef void (*cb)(int);", "function pointers are not supported"),
                Arguments.of("int f(void (*cb)(void));", "function pointers are not supported"),
                Arguments.of("int f(int n, ...);", "variadic functions are not supported"),
                Arguments.of("int f();", "has no prototype"),
                Arguments.of("struct s { int n; char data[]; };", "flexible array"),
                Arguments.of("extern int g;", "global variables are not supported"),
                Arguments.of("long double f(void);", "cannot map the C type long double"),
                Arguments.of("struct __attribute__((packed)) p { char c; int i; };", "packed"),
                Arguments.of("struct o; struct o f(void);", "incomplete (opaque) struct"),
                Arguments.of("struct s { struct { int a; } in; };", "anonymous nested structs"),
                Arguments.of("int f(void) oops;", "does not parse"));
    }

    @ParameterizedTest
    @MethodSource("unsupported")
    void unsupportedCFailsLoudly(String c, String message, @TempDir Path tmp) throws Exception {
        Path h = tmp.resolve("bad.h");
        Files.writeString(h, "#include <stdint.h>\n" + c + "\n");
        Path out = tmp.resolve("out");
        GeneratorProcess.Result r = GeneratorProcess.run(TestPaths.root(), "--header", h.toString(), "--out", out.toString(),
                "--critical", tmp.resolve("none.txt").toString());
        assertEquals(2, r.rc(), r.out());
        assertTrue(r.out().contains("error") && r.out().contains(message), "expected \"" + message + "\" in:\n" + r.out());
        assertFalse(Files.exists(out), "nothing written on failure");
    }

    @Test
    void criticalNamesMustExist(@TempDir Path tmp) throws Exception {
        Path critical = tmp.resolve("critical.txt");
        Files.writeString(critical, "fx_add\nfx_no_such_function\n");
        GeneratorProcess.Result r = GeneratorProcess.run(TestPaths.root(), generateArgs(tmp.resolve("out"), critical));
        assertEquals(2, r.rc(), r.out());
        assertTrue(r.out().contains("fx_no_such_function"), r.out());
    }

    @Test
    void checkModeListsChangedMissingAndStaleFiles(@TempDir Path tmp) throws Exception {
        Path root = TestPaths.root();
        Path out = tmp.resolve("out");
        Path critical = tmp.resolve("critical.txt");
        Files.writeString(critical, "");
        String[] gen = generateArgs(out, critical);
        String[] check = Stream.concat(Stream.of(gen), Stream.of("--check")).toArray(String[]::new);
        assertEquals(0, GeneratorProcess.run(root, gen).rc());
        assertEquals(0, GeneratorProcess.run(root, check).rc(), "fresh output is up to date");

        Files.writeString(out.resolve("fx_point.java"), Files.readString(out.resolve("fx_point.java")).replace("x$OFFSET = 0", "x$OFFSET = 4"));
        Files.delete(out.resolve("fx_inner.java"));
        Files.writeString(out.resolve("fx_gone.java"), "// Generated from x.h by bindings/generator/generate.py.\n");
        Files.writeString(out.resolve("Handwritten.java"), "class Handwritten {}\n");
        GeneratorProcess.Result r = GeneratorProcess.run(root, check);
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.out().contains("differs: ") && r.out().contains("fx_point.java"), r.out());
        assertTrue(r.out().contains("missing: ") && r.out().contains("fx_inner.java"), r.out());
        assertTrue(r.out().contains("stale") && r.out().contains("fx_gone.java"), r.out());
        assertFalse(r.out().contains("Handwritten"), r.out());

        assertEquals(0, GeneratorProcess.run(root, gen).rc());
        assertFalse(Files.exists(out.resolve("fx_gone.java")), "stale generated file removed");
        assertTrue(Files.exists(out.resolve("Handwritten.java")), "hand-written file kept");
        assertEquals(0, GeneratorProcess.run(root, check).rc());
    }
}
