package org.jmamba.tokenizer;

import java.util.Arrays;

/**
 * A binary min-heap of candidate merges of two adjacent symbols, ordered by a priority and then by the position of
 * the left symbol (so among equal candidates the leftmost merges first). Each entry remembers the lengths the two
 * symbols had when it was queued, which lets the caller recognise entries made stale by an earlier merge.
 */
final class MergeQueue {
    private double[] priority = new double[64];
    private int[] left = new int[64];
    private int[] right = new int[64];
    private int[] leftLen = new int[64];
    private int[] rightLen = new int[64];
    private int size;

    // the entry removed by the last poll()
    int polledLeft;
    int polledRight;
    int polledLeftLen;
    int polledRightLen;

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }

    void add(double p, int l, int r, int ll, int rl) {
        if (size == priority.length) {
            int cap = size * 2;
            priority = Arrays.copyOf(priority, cap);
            left = Arrays.copyOf(left, cap);
            right = Arrays.copyOf(right, cap);
            leftLen = Arrays.copyOf(leftLen, cap);
            rightLen = Arrays.copyOf(rightLen, cap);
        }
        int i = size++;
        set(i, p, l, r, ll, rl);
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(i, parent)) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
    }

    /** Removes the first entry into the {@code polled*} fields. */
    void poll() {
        polledLeft = left[0];
        polledRight = right[0];
        polledLeftLen = leftLen[0];
        polledRightLen = rightLen[0];
        size--;
        if (size > 0) {
            set(0, priority[size], left[size], right[size], leftLen[size], rightLen[size]);
            int i = 0;
            while (true) {
                int a = 2 * i + 1;
                if (a >= size) {
                    break;
                }
                int b = a + 1;
                int m = b < size && less(b, a) ? b : a;
                if (!less(m, i)) {
                    break;
                }
                swap(i, m);
                i = m;
            }
        }
    }

    private boolean less(int i, int j) {
        return priority[i] < priority[j] || (priority[i] == priority[j] && left[i] < left[j]);
    }

    private void set(int i, double p, int l, int r, int ll, int rl) {
        priority[i] = p;
        left[i] = l;
        right[i] = r;
        leftLen[i] = ll;
        rightLen[i] = rl;
    }

    private void swap(int i, int j) {
        double p = priority[i];
        priority[i] = priority[j];
        priority[j] = p;
        int t = left[i];
        left[i] = left[j];
        left[j] = t;
        t = right[i];
        right[i] = right[j];
        right[j] = t;
        t = leftLen[i];
        leftLen[i] = leftLen[j];
        leftLen[j] = t;
        t = rightLen[i];
        rightLen[i] = rightLen[j];
        rightLen[j] = t;
    }
}
