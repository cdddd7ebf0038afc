package org.jmamba.testkit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a fuzz target did with each input (accepted, or refused with which exception) and,
 * when fuzzing ({@code JAZZER_FUZZ} set), prints the counts as the JVM exits: the figures a
 * fuzzing run reports.
 */
public final class FuzzOutcomes {
    private static final Map<String, Map<String, LongAdder>> COUNTS = new ConcurrentHashMap<>();

    static {
        if (System.getenv("JAZZER_FUZZ") != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.print(summary()), "fuzz-outcomes"));
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
