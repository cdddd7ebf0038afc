package org.jmamba.testkit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a fuzz target did with each input (accepted, or refused with which exception) and,
 * when {@code JMAMBA_FUZZ_OUTCOMES} names a file (scripts/fuzz.sh sets it), appends the counts to it
 * as the JVM exits: the figures a fuzzing run reports.
 */
public final class FuzzOutcomes {
    private static final Map<String, Map<String, LongAdder>> COUNTS = new ConcurrentHashMap<>();

    static {
        String file = System.getenv("JMAMBA_FUZZ_OUTCOMES");
        if (file != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    java.nio.file.Files.writeString(java.nio.file.Path.of(file), summary(),
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    System.err.print(summary());
                }
            }, "fuzz-outcomes"));
        }
    }

    private FuzzOutcomes() {}

    public static void accepted(String target) {
        count(target, "accepted");
    }

    public static void refused(String target, Throwable e) {
        count(target, "refused: " + e.getClass().getSimpleName());
    }

    private static void count(String target, String outcome) {
        COUNTS.computeIfAbsent(target, t -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    /** One line per target: executions in all, then by outcome. */
    public static String summary() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(COUNTS).forEach((target, outcomes) -> {
            long all = outcomes.values().stream().mapToLong(LongAdder::sum).sum();
            sb.append("fuzz outcomes ").append(target).append(": ").append(all).append(" executions");
            new TreeMap<>(outcomes).forEach((o, n) -> sb.append(", ").append(o).append(" ").append(n.sum()));
            sb.append('\n');
        });
        return sb.toString();
    }
}
