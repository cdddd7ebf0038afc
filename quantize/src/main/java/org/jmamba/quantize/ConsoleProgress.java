package org.jmamba.quantize;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A text progress bar: tensor i of n with its name, a bar over all bytes, the share done, the
 * throughput and the time left. On a terminal it redraws one line (at most ten times a second);
 * elsewhere it prints one line per tensor.
 */
public final class ConsoleProgress implements Progress {
    private static final int BAR = 30;
    private final PrintStream out;
    private final boolean redraw;
    private String what = "";
    private int tensors;
    private long total;
    private long done;
    private int index;
    private String name = "";
    private long startNanos;
    private long lastDraw;
    private int lastWidth;

    public ConsoleProgress(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    /** On stderr, redrawing when a console is attached. */
    public static ConsoleProgress stderr() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    @Override
    public void start(String what, int tensors, long totalBytes) {
        this.what = what;
        this.tensors = tensors;
        this.total = Math.max(1, totalBytes);
        this.startNanos = System.nanoTime();
        this.done = 0;
    }

    @Override
    public void tensor(int index, String name) {
        this.index = index;
        this.name = name;
        if (redraw) {
            draw(true);
        } else {
            out.println(line());
        }
    }

    @Override
    public void advance(long doneBytes) {
        this.done = doneBytes;
        if (redraw) draw(false);
    }

    @Override
    public void finish() {
        if (redraw && lastWidth > 0) {
            draw(true);
            out.println();
            lastWidth = 0;
        }
        out.flush();
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        String s = line();
        int pad = Math.max(0, lastWidth - s.length());
        out.print("\r" + s + " ".repeat(pad));
        out.flush();
        lastWidth = s.length();
    }

    String line() {
        double frac = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(frac * BAR);
        double secs = (System.nanoTime() - startNanos) / 1e9;
        String eta = frac > 0.001 && secs > 0.5 ? clock(secs / frac - secs) : "--:--";
        String n = name.length() > 32 ? "…" + name.substring(name.length() - 31) : name;
        return String.format(Locale.ROOT, "%s [%" + digits(tensors) + "d/%d] %-32s [%s%s] %5.1f%% %s/%s %s/s ETA %s",
                what, index + 1, tensors, n, "#".repeat(filled), ".".repeat(BAR - filled), frac * 100,
                Summary.size(done), Summary.size(total), Summary.size(secs > 0 ? (long) (done / secs) : 0), eta);
    }

    private static int digits(int n) {
        return Integer.toString(Math.max(1, n)).length();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
