package org.jmamba;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * States of token prefixes, shared by sessions: a session about to evaluate a prompt restores the
 * state of the longest prefix of it that is cached and evaluates only the rest. Thread-safe; one
 * cache may serve many sessions of many models (each entry belongs to its model's
 * {@link ModelFingerprint}, and is only offered to sessions of that model).
 *
 * <p>Entries are keyed by their whole token sequence (hashed, then compared token by token), so
 * a prefix of any length can be cached, not only multiples of a block size. In memory, entries
 * are kept within a byte budget and evicted least recently used first. With a folder, evicted
 * entries are written there as state files (with their token ids; see {@link State#save}) and
 * read back on a hit, within a disk budget of their own; a cache opened on a folder finds the
 * entries an earlier process left there. Files are written through a temporary file and a rename,
 * so another process sharing the folder never sees half a file.
 *
 * <pre>{@code
 * PromptCache cache = PromptCache.inMemory(1L << 30);
 * try (Session s = model.newSession()) {
 *     int reused = cache.restoreLongestPrefix(s, prompt);           // 0 on a miss: s is reset
 *     s.eval(Arrays.copyOfRange(prompt, reused, prompt.length));    // only the rest
 *     cache.put(s);                                                 // for the next prompt with this prefix
 * }
 * }</pre>
 */
public final class PromptCache implements AutoCloseable {

    /**
     * What the cache did so far and holds now.
     *
     * @param hits lookups that restored a cached prefix
     * @param misses lookups that found none
     * @param reusedTokens prompt tokens restored instead of evaluated, over all hits
     * @param evictions entries dropped for the budgets (from memory without a folder, or from the folder)
     * @param spills entries written to the folder
     */
    public record Stats(long hits, long misses, long reusedTokens, int memoryEntries, long memoryBytes,
                        int diskEntries, long diskBytes, long evictions, long spills) {}

    private static final String SUFFIX = ".jmstate";

    /** One cached prefix: in memory, in a file, or both. Guarded by the cache's lock. */
    private static final class Entry {
        final String model;
        final int[] tokens;
        final long hash;
        State state;
        Path file;
        long fileBytes;
        long lastUse;
        int readers; // lookups copying from state, and the writer spilling it: state stays open while > 0
        boolean pendingRelease; // state no longer counted in memory: freed when readers reach 0
        boolean removed;
        boolean hasLogits;

        Entry(String model, int[] tokens, long hash) {
            this.model = model;
            this.tokens = tokens;
            this.hash = hash;
        }
    }

    /** The entries of one model: by prefix hash, and how many of each length. */
    private static final class Bucket {
        final Map<Long, List<Entry>> byHash = new HashMap<>();
        final TreeMap<Integer, Integer> lengths = new TreeMap<>();
    }

    private final long memoryBudget;
    private final Path dir;
    private final long diskBudget;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private long memoryBytes, diskBytes, tick;
    private long hits, misses, reusedTokens, evictions, spills;
    private boolean closed;

    private PromptCache(long memoryBudget, Path dir, long diskBudget) {
        if (memoryBudget < 0 || diskBudget < 0) throw new IllegalArgumentException("budgets must be >= 0 bytes");
        this.memoryBudget = memoryBudget;
        this.dir = dir;
        this.diskBudget = diskBudget;
    }

    /** A cache in memory only, holding at most {@code memoryBytes} of states. */
    public static PromptCache inMemory(long memoryBytes) {
        return new PromptCache(memoryBytes, null, 0);
    }

    /**
     * A cache that spills to {@code dir} (created if missing) what does not fit
     * {@code memoryBytes}, keeps at most {@code diskBytes} there, and starts with the entries
     * already in it. With {@code memoryBytes} 0 every entry goes straight to the folder.
     *
     * @throws IOException naming the folder when it cannot be created, listed or written
     */
    public static PromptCache open(Path dir, long memoryBytes, long diskBytes) throws IOException {
        Objects.requireNonNull(dir, "dir");
        PromptCache c = new PromptCache(memoryBytes, dir, diskBytes);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(Files.createTempFile(dir, ".write-check", ".tmp"));
        } catch (IOException e) {
            throw new IOException("prompt cache folder " + dir + " is not writable (" + e + ")", e);
        }
        List<State.FileInfo> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : ds) {
                try {
                    State.FileInfo info = State.readInfo(p, true);
                    if (info.tokens() != null && info.position() > 0) found.add(info);
                } catch (IOException | RuntimeException e) {
                    // not a usable state file (another version, half-copied, corrupted): not ours to delete
                }
            }
        }
        found.sort(Comparator.comparing(i -> lastModified(i.path())));
        for (State.FileInfo info : found) {
            Entry e = new Entry(key(info.fingerprint()), info.tokens(), hash(info.tokens(), info.tokens().length));
            e.file = info.path();
            e.fileBytes = size(info.path());
            e.hasLogits = info.hasLogits();
            e.lastUse = ++c.tick;
            c.index(e);
            c.diskBytes += e.fileBytes;
        }
        return c;
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String key(ModelFingerprint f) {
        return f.shapeDigest() + f.weightsDigest();
    }

    /** A 64-bit hash of tokens[0, n), FNV-1a over the ids. */
    private static long hash(int[] tokens, int n) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < n; i++) h = (h ^ tokens[i]) * 0x100000001b3L;
        return h;
    }

    private void index(Entry e) {
        Bucket b = buckets.computeIfAbsent(e.model, k -> new Bucket());
        b.byHash.computeIfAbsent(e.hash, k -> new ArrayList<>()).add(e);
        b.lengths.merge(e.tokens.length, 1, Integer::sum);
        entries.add(e);
    }

    private void unindex(Entry e) {
        Bucket b = buckets.get(e.model);
        List<Entry> l = b.byHash.get(e.hash);
        l.remove(e);
        if (l.isEmpty()) b.byHash.remove(e.hash);
        if (b.lengths.merge(e.tokens.length, -1, Integer::sum) == 0) b.lengths.remove(e.tokens.length);
        entries.remove(e);
        e.removed = true;
    }

    /** The longest usable entry for tokens, or null: a prefix shorter than them, or as long with logits. */
    private Entry find(String model, int[] tokens) {
        Bucket b = buckets.get(model);
        if (b == null) return null;
        int[] lens = b.lengths.headMap(tokens.length, true).keySet().stream().mapToInt(Integer::intValue).toArray();
        long[] hashes = new long[lens.length];
        long h = 0xcbf29ce484222325L;
        for (int i = 0, k = 0; k < lens.length; i++) {
            while (k < lens.length && lens[k] == i) hashes[k++] = h;
            if (i < tokens.length) h = (h ^ tokens[i]) * 0x100000001b3L;
        }
        for (int k = lens.length - 1; k >= 0; k--) {
            List<Entry> l = b.byHash.get(hashes[k]);
            if (l == null) continue;
            for (Entry e : l) {
                if (e.tokens.length == lens[k] && (lens[k] < tokens.length || e.hasLogits)
                        && Arrays.equals(e.tokens, 0, lens[k], tokens, 0, lens[k])) return e;
            }
        }
        return null;
    }

    /**
     * Restores into {@code session} the state of the longest cached prefix of {@code tokens} — one
     * shorter than them, or all of them when the entry also holds the next token's logits — and
     * returns its length: the session then needs only {@code tokens[length..]}. On a miss the
     * session is reset and 0 is returned. A cached file that turns out unreadable or corrupted
     * is dropped from the cache and counts as a miss.
     */
    public int restoreLongestPrefix(Session session, int[] tokens) {
        Objects.requireNonNull(tokens, "tokens");
        String model = key(session.model().fingerprint());
        while (true) {
            Entry e;
            State inMemory;
            Path file; // read here: once the lock is let go, another thread may drop the entry
            synchronized (this) {
                checkOpen();
                e = find(model, tokens);
                if (e == null) {
                    misses++;
                    break;
                }
                e.lastUse = ++tick;
                e.readers++;
                inMemory = e.state;
                file = e.file;
            }
            State loaded = null;
            try {
                if (inMemory != null) {
                    session.restore(inMemory);
                } else {
                    loaded = State.load(file, session.model());
                    session.restore(loaded);
                }
            } catch (IOException | StateFormatException ex) {
                if (loaded != null) loaded.close();
                synchronized (this) {
                    e.readers--;
                    if (!e.removed) drop(e); // unreadable: forget it, look again
                }
                continue;
            } catch (RuntimeException | Error ex) {
                // e.g. the session was closed meanwhile: the entry stays, but this lookup no longer
                // reads it, or its state would never be freed
                if (loaded != null) loaded.close();
                synchronized (this) {
                    e.readers--;
                    maybeFree(e);
                }
                throw ex;
            }
            List<Entry> spill;
            synchronized (this) {
                e.readers--;
                hits++;
                reusedTokens += e.tokens.length;
                if (loaded != null && !e.removed && e.state == null && loaded.memoryBytes() <= memoryBudget) {
                    e.state = loaded; // promoted back to memory
                    memoryBytes += loaded.memoryBytes();
                    loaded = null;
                }
                maybeFree(e);
                spill = evictMemory();
            }
            if (loaded != null) loaded.close();
            writeSpills(spill, false);
            return e.tokens.length;
        }
        session.reset();
        return 0;
    }

    /**
     * Caches the session's current state under its token history (with its logits when it has
     * them). A session whose history does not start at the zero state, or at position 0, is not
     * cached. With a folder and a memory budget of 0, the state is written there before this
     * returns.
     *
     * @throws UncheckedIOException when a state cannot be written to the folder (e.g. the disk is
     *     full); no partial file is left, and the entry is not cached
     */
    public void put(Session session) {
        State s = session.snapshot();
        if (s.tokensOrNull() == null || s.position() == 0) {
            s.close();
            return;
        }
        insert(s);
    }

    /** Caches a copy of {@code state} (e.g. one loaded from a file); it must hold its token ids. */
    public void put(State state) {
        if (state.tokensOrNull() == null) throw new IllegalArgumentException("a state without its token ids cannot be cached by prefix");
        if (state.position() == 0) return;
        insert(state.copy());
    }

    private void insert(State s) {
        int[] tokens = s.tokensOrNull();
        String model = key(s.fingerprint());
        long h = hash(tokens, tokens.length);
        List<Entry> spill;
        synchronized (this) {
            if (closed) {
                s.close();
                throw new IllegalStateException("the prompt cache is closed");
            }
            Bucket b = buckets.get(model);
            List<Entry> same = b == null ? null : b.byHash.get(h);
            if (same != null) {
                for (Entry e : same) {
                    if (Arrays.equals(e.tokens, tokens)) {
                        e.lastUse = ++tick;
                        s.close(); // already cached
                        return;
                    }
                }
            }
            Entry e = new Entry(model, tokens, h);
            e.state = s;
            e.hasLogits = s.logitsOrNull() != null;
            e.lastUse = ++tick;
            index(e);
            memoryBytes += s.memoryBytes();
            spill = evictMemory();
        }
        writeSpills(spill, true);
    }

    /**
     * With the lock held: takes entries out of memory, least recently used first, until the memory
     * budget holds; returns those to write to the folder (still in memory for readers until
     * written). Without a folder they are dropped.
     */
    private List<Entry> evictMemory() {
        List<Entry> spill = new ArrayList<>();
        while (memoryBytes > memoryBudget) {
            Entry lru = null;
            for (Entry e : entries) {
                if (e.state != null && !e.pendingRelease && (lru == null || e.lastUse < lru.lastUse)) lru = e;
            }
            if (lru == null) break;
            if (dir != null && lru.file == null) {
                lru.readers++; // the writer reads it until the file is written
                unload(lru);
                spill.add(lru);
            } else if (lru.file != null) {
                unload(lru);
            } else {
                evictions++;
                drop(lru);
            }
        }
        return spill;
    }

    /** Writes spilled entries to the folder, outside the lock; then trims the folder to its budget. */
    private void writeSpills(List<Entry> spill, boolean rethrow) {
        IOException failure = null;
        for (Entry e : spill) {
            State s = e.state; // stays open: the spill counts as a reader
            Path target = dir.resolve(e.model.substring(64, 80) + "-" + Long.toHexString(e.hash) + "-" + e.tokens.length + SUFFIX);
            boolean ok;
            try {
                s.save(target);
                ok = true;
            } catch (IOException ex) {
                ok = false;
                if (failure == null) failure = ex;
            }
            synchronized (this) {
                e.readers--;
                if (ok && !e.removed) {
                    e.file = target;
                    e.fileBytes = size(target);
                    diskBytes += e.fileBytes;
                    spills++;
                } else {
                    if (!e.removed) {
                        evictions++;
                        drop(e);
                    }
                    if (ok) deleteQuietly(target);
                }
                maybeFree(e);
            }
        }
        List<Path> delete = new ArrayList<>();
        synchronized (this) {
            while (diskBytes > diskBudget) {
                Entry lru = null;
                for (Entry e : entries) {
                    if (e.file != null && (lru == null || e.lastUse < lru.lastUse)) lru = e;
                }
                if (lru == null) break;
                delete.add(lru.file);
                evictions++;
                drop(lru);
            }
        }
        for (Path p : delete) deleteQuietly(p);
        if (failure != null && rethrow) {
            throw new UncheckedIOException("prompt cache " + dir + ": " + failure.getMessage(), failure);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // another process may have taken it already
        }
    }

    /** With the lock held: forgets the entry (its file is the caller's to delete) and frees its memory when unread. */
    private void drop(Entry e) {
        unindex(e);
        if (e.file != null) {
            diskBytes -= e.fileBytes;
            e.file = null;
        }
        unload(e);
    }

    /** With the lock held: the entry's memory copy stops counting, and is freed once no reader holds it. */
    private void unload(Entry e) {
        if (e.state == null || e.pendingRelease) return;
        memoryBytes -= e.state.memoryBytes();
        e.pendingRelease = true;
        maybeFree(e);
    }

    private void maybeFree(Entry e) {
        if (e.pendingRelease && e.readers == 0 && e.state != null) {
            e.state.close();
            e.state = null;
            e.pendingRelease = false;
        }
    }

    /** Lookups and writers reading entries right now: 0 whenever none is under way. */
    synchronized int readersNow() {
        int n = 0;
        for (Entry e : entries) n += e.readers;
        return n;
    }

    public synchronized Stats stats() {
        int inMemory = 0, onDisk = 0;
        for (Entry e : entries) {
            if (e.state != null && !e.pendingRelease) inMemory++;
            if (e.file != null) onDisk++;
        }
        return new Stats(hits, misses, reusedTokens, inMemory, memoryBytes, onDisk, diskBytes, evictions, spills);
    }

    /** The folder, when the cache has one. */
    public java.util.Optional<Path> folder() {
        return java.util.Optional.ofNullable(dir);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the prompt cache is closed");
    }

    /** Frees the states held in memory; the folder's files stay for the next process. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Entry e : List.copyOf(entries)) {
            e.removed = true;
            e.pendingRelease = e.state != null;
            maybeFree(e);
        }
        entries.clear();
        buckets.clear();
        memoryBytes = 0;
    }
}
