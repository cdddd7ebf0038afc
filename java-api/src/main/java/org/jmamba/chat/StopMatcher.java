package org.jmamba.chat;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Finds stop strings in streamed text without emitting any part of them.
 *
 * <p>{@link #feed} takes the next chunk of generated text and returns the text that is safe to show
 * now: everything except a trailing part that could still grow into a stop string, which is held back
 * until a later chunk decides it. When a stop string completes, the result carries it and the
 * remaining text before it; the stop string and anything after it are dropped. At the end of
 * generation without a stop, {@link #flush} returns the held-back text.
 *
 * <p>The stop reported is the one that <em>ends</em> first in the stream; among stops ending at the
 * same position, the longest. This depends only on the text, never on how it was cut into chunks.
 * (With stops {@code "ab"} and {@code "abc"}, {@code "ab"} always fires first; with {@code "bc"} and
 * {@code "abcd"} in the text {@code "abcd"}, {@code "bc"} does.) Matching is on UTF-16 code units,
 * exact and case-sensitive, with no Unicode normalisation; stop strings must be well-formed, and a
 * chunk ending inside a surrogate pair has the high surrogate held back, so emitted text never splits
 * a pair.
 *
 * <p>Not thread-safe. {@link #reset()} makes it ready for another generation.
 */
public final class StopMatcher {

    /**
     * What {@link #feed} found.
     *
     * @param text text to emit now; when {@code stop} is set, all the remaining text before the stop
     * @param stop the stop string that completed, or {@code null} if none did
     */
    public record Result(String text, String stop) {
        public Result {
            Objects.requireNonNull(text, "text");
        }

        public boolean stopped() {
            return stop != null;
        }
    }

    private static final Result EMPTY = new Result("", null);

    private final String[] stops;
    private final int maxLength;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    /** @param stops the stop strings: non-empty, well-formed UTF-16; none at all is allowed */
    public StopMatcher(Collection<String> stops) {
        Objects.requireNonNull(stops, "stops");
        this.stops = stops.toArray(String[]::new);
        int max = 0;
        for (String s : this.stops) {
            Objects.requireNonNull(s, "stop string");
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty stop string");
            }
            if (!isWellFormed(s)) {
                throw new IllegalArgumentException("stop string with an unpaired surrogate: " + escape(s));
            }
            max = Math.max(max, s.length());
        }
        this.maxLength = max;
    }

    public StopMatcher(String... stops) {
        this(List.of(stops));
    }

    /** The stop strings, in the order given. */
    public List<String> stops() {
        return List.of(stops);
    }

    /** True once a stop string has been found (until {@link #reset()}). */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Takes the next chunk.
     *
     * @throws IllegalStateException if a stop string was already found
     */
    public Result feed(String chunk) {
        Objects.requireNonNull(chunk, "chunk");
        if (stopped) {
            throw new IllegalStateException("a stop string was already found; reset() to start again");
        }
        if (chunk.isEmpty()) {
            return EMPTY;
        }
        int checked = pending.length(); // no stop string ends at or before this position
        pending.append(chunk);
        int length = pending.length();
        for (int end = checked + 1; end <= length; end++) {
            String best = null;
            for (String s : stops) {
                int start = end - s.length();
                if (start >= 0 && (best == null || s.length() > best.length()) && endsWithAt(s, end)) {
                    best = s;
                }
            }
            if (best != null) {
                stopped = true;
                String before = pending.substring(0, end - best.length());
                pending.setLength(0);
                return new Result(before, best);
            }
        }
        int keep = heldBack();
        int emit = length - keep;
        if (emit > 0 && Character.isHighSurrogate(pending.charAt(emit - 1))) {
            emit--; // do not split a surrogate pair
        }
        if (emit == 0) {
            return EMPTY;
        }
        String out = pending.substring(0, emit);
        pending.delete(0, emit);
        return new Result(out, null);
    }

    /**
     * Ends the stream: returns the held-back text (which did not become a stop string) and clears it.
     * Returns the empty string after a stop.
     */
    public String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    /** Forgets held-back text and any stop found, for a new generation. */
    public void reset() {
        pending.setLength(0);
        stopped = false;
    }

    /** Whether {@code s} occurs in {@link #pending} ending at {@code end}. */
    private boolean endsWithAt(String s, int end) {
        int start = end - s.length();
        for (int i = 0; i < s.length(); i++) {
            if (pending.charAt(start + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Length of the longest suffix of {@link #pending} that is a proper prefix of a stop string. */
    private int heldBack() {
        int length = pending.length();
        for (int from = Math.max(0, length - (maxLength - 1)); from < length; from++) {
            int n = length - from;
            for (String s : stops) {
                if (n < s.length() && prefixAt(s, from, n)) {
                    return n;
                }
            }
        }
        return 0;
    }

    private boolean prefixAt(String s, int from, int n) {
        for (int i = 0; i < n; i++) {
            if (pending.charAt(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
