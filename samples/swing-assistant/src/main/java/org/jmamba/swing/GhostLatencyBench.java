package org.jmamba.swing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.SwingUtilities;

/**
 * Measures, in the real window, the time from the end of typing to the ghost text: a Java file of
 * about 2,000 tokens in the editor, a character typed at its end (or, with --edit-at-end-minus N,
 * about N tokens above its end), then the wait until the completion shows. The time is the typing
 * pause ({@value AssistantWindow#PAUSE_MILLIS} ms) plus the model's. Run it with and without
 * {@code -Djmamba.swing.noReuse=true} to see what re-evaluating only the edit saves.
 *
 * <pre>java ... org.jmamba.swing.GhostLatencyBench -m MODEL.gguf [--tokens 2000] [--reps 10] [--edit-at-end-minus N]</pre>
 */
public final class GhostLatencyBench {
    public static void main(String[] args) throws Exception {
        Path model = null;
        int tokens = 2000, reps = 10, editBack = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-m" -> model = Path.of(args[++i]);
                case "--tokens" -> tokens = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--edit-at-end-minus" -> editBack = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (model == null || !Files.isRegularFile(model)) throw new IllegalArgumentException("give -m MODEL.gguf");
        AssistantWindow w = SwingAssistant.launch(model);
        while (w.engine() == null) Thread.sleep(20);
        String file = javaFile(w, tokens);
        int nTokens = w.engine().model().tokenizer().encode(file).length;
        onEdt(() -> {
            w.editor().setText(file);
            return null;
        });
        int editAt = file.length();
        if (editBack > 0) { // a character offset about editBack tokens above the end
            int[] ids = w.engine().model().tokenizer().encode(file);
            String tail = w.engine().model().tokenizer().decode(Arrays.copyOfRange(ids, ids.length - editBack, ids.length));
            editAt = Math.max(0, file.length() - tail.length());
            editAt = file.lastIndexOf('\n', editAt) + 1;
        }
        System.out.printf("file: %d tokens; edit %s; reuse %s%n", nTokens,
                editBack > 0 ? "about " + editBack + " tokens above the end" : "at the end",
                Boolean.getBoolean("jmamba.swing.noReuse") ? "off" : "on");
        List<Long> total = new ArrayList<>(), modelPart = new ArrayList<>();
        for (int r = 0; r < reps + 1; r++) { // the first run (cold state, JIT) is not counted
            int at = editAt + r, run = r;
            long t0 = onEdt(() -> {
                w.dismiss();
                w.editor().setCaretPosition(at);
                long t = System.nanoTime();
                w.editor().replaceSelection(run % 2 == 0 ? " " : "x");
                return t;
            });
            long t1;
            while (true) {
                Boolean shown = onEdt(() -> !w.editor().visibleGhost().isEmpty()
                        && w.editor().ghostOffset() == w.editor().getCaretPosition());
                if (shown) {
                    t1 = System.nanoTime();
                    break;
                }
                if (System.nanoTime() - t0 > 60_000_000_000L) throw new IllegalStateException("no ghost text within 60 s");
                Thread.sleep(1);
            }
            while (onEdt(w::lastResult) == null) Thread.sleep(1);
            if (r == 0) continue;
            total.add((t1 - t0) / 1_000_000);
            modelPart.add(w.lastFirstTextMillis());
            CompletionEngine.Result res = w.lastResult();
            System.out.printf("  run %d: %d ms to ghost text (model: %d ms to first text, %d tokens evaluated, %d reused)%n",
                    r, (t1 - t0) / 1_000_000, w.lastFirstTextMillis(), res.evaluated(), res.reused());
            onEdt(() -> {
                w.dismiss();
                return null;
            });
        }
        System.out.printf("median: %d ms from the last keystroke to ghost text (%d ms pause + model %d ms to first text)%n",
                median(total), AssistantWindow.PAUSE_MILLIS, median(modelPart));
        SwingUtilities.invokeAndWait(w::closeWindow);
        System.exit(0);
    }

    /** Methods of plain Java repeated until the file has about {@code tokens} tokens. */
    private static String javaFile(AssistantWindow w, int tokens) {
        StringBuilder sb = new StringBuilder("package org.example;\n\nimport java.util.ArrayList;\nimport java.util.List;\n\npublic final class Numbers {\n");
        int i = 0;
        while (w.engine().model().tokenizer().encode(sb.toString()).length < tokens) {
            sb.append("""
                        /** Returns the sum of the first %1$d multiples of n. */
                        public static long sumOfMultiples%1$d(long n) {
                            long total = 0;
                            for (int i = 1; i <= %1$d; i++) {
                                total += i * n;
                            }
                            return total;
                        }

                    """.formatted(++i));
        }
        return sb.append("    public static int gcd(int a, int b) {\n        ").toString();
    }

    private static long median(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static <T> T onEdt(java.util.concurrent.Callable<T> c) throws Exception {
        AtomicReference<T> r = new AtomicReference<>();
        AtomicReference<Exception> e = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            try {
                r.set(c.call());
            } catch (Exception ex) {
                e.set(ex);
            }
        });
        if (e.get() != null) throw e.get();
        return r.get();
    }
}
