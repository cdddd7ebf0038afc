package org.jmamba;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmamba.bindings.jm_model_params;
import org.jmamba.bindings.jmamba_h;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufTensorInfo;
import org.jmamba.tokenizer.Tokenizer;

/**
 * A Mamba-2 model loaded from a GGUF file. The file is memory-mapped once and the weights stay
 * in the mapping: native code reads them through pointers, nothing is copied. A model is
 * immutable and may be shared by many {@link Session}s on many threads.
 *
 * <p><b>Lifetime.</b> {@link #close()} may be called from any thread, any number of times, also
 * while other threads evaluate: it refuses new work at once ({@link IllegalStateException}
 * "model ... is closed"), closes every session, and returns without waiting; the memory, the
 * mapping and the worker threads are freed as soon as the last evaluation in flight returns. A
 * model (or session) that becomes unreachable without being closed is freed by a cleaner after
 * the garbage collector finds it; closing is still the way to free things at a known time.
 *
 * <p><b>The file.</b> By default the weights stay in a read-only mapping of the file. Replacing the
 * file by a rename ({@code mv new.gguf model.gguf}) is safe: the model keeps the old file. Writing
 * over it in place ({@code cp new.gguf model.gguf}) is not: every evaluation first checks that the
 * file has not shrunk and throws {@link ModelFileChangedException} if it has, but a file cut short
 * during an evaluation kills the process (SIGBUS) as in any program that maps files. Load with
 * {@link Options#withCopiedWeights} to read the weights into memory instead: that model never
 * reads the file again.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("codestral-mamba-7b-q4_k_m.gguf"));
 *      Session session = model.newSession()) {
 *     Logits logits = session.eval(model.tokenizer().encode("def fib(n):"));
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {

    /**
     * How to run a model: worker threads per evaluation (0: one per core), the CPU features the
     * kernels may use (of them, only what the CPU has is used), the most memory one session may take
     * (its state and logits; {@link #DEFAULT_MAX_SESSION_BYTES} by default), and whether the weights
     * are copied into memory instead of read from the file's mapping.
     */
    public record Options(int threads, Set<CpuFeature> cpuFeatures, long maxSessionBytes, boolean copyWeights) {
        /** 4 GiB: more than 10 times what Codestral Mamba 7B needs (276 MB), far less than an absurd shape asks. */
        public static final long DEFAULT_MAX_SESSION_BYTES = 4L << 30;

        public Options {
            if (threads < 0) throw new IllegalArgumentException("threads = " + threads + " must be >= 0 (0: one per core)");
            if (maxSessionBytes <= 0) throw new IllegalArgumentException("maxSessionBytes = " + maxSessionBytes + " must be positive");
            EnumSet<CpuFeature> copy = EnumSet.noneOf(CpuFeature.class);
            copy.addAll(Objects.requireNonNull(cpuFeatures, "cpuFeatures"));
            cpuFeatures = Collections.unmodifiableSet(copy);
        }

        /** These threads and features, the default session budget, the weights mapped. */
        public Options(int threads, Set<CpuFeature> cpuFeatures) {
            this(threads, cpuFeatures, DEFAULT_MAX_SESSION_BYTES, false);
        }

        /** One thread per core, every feature the CPU has. */
        public static Options defaults() {
            return new Options(0, EnumSet.allOf(CpuFeature.class));
        }

        public Options withThreads(int n) {
            return new Options(n, cpuFeatures, maxSessionBytes, copyWeights);
        }

        /** Kernels that use only these features (and what the CPU has of them). */
        public Options withCpuFeatures(Set<CpuFeature> allowed) {
            return new Options(threads, allowed, maxSessionBytes, copyWeights);
        }

        /** Scalar kernels only: the reference path SIMD kernels are compared with. */
        public Options scalarOnly() {
            return new Options(threads, EnumSet.noneOf(CpuFeature.class), maxSessionBytes, copyWeights);
        }

        /**
         * The most bytes one session may allocate (state and logits). A model whose sessions would
         * need more fails to load with {@link InsufficientMemoryException}, before anything is allocated.
         */
        public Options withMaxSessionBytes(long bytes) {
            return new Options(threads, cpuFeatures, bytes, copyWeights);
        }

        /**
         * Reads the whole file into memory at load instead of mapping it: the model then never reads
         * the file again, so overwriting or truncating the file cannot harm it; costs the file's size in
         * memory that the operating system cannot drop.
         */
        public Options withCopiedWeights(boolean copy) {
            return new Options(threads, cpuFeatures, maxSessionBytes, copy);
        }

        int cpuFeatureMask() {
            return CpuFeature.mask(cpuFeatures);
        }
    }

    /** One thread for every jmamba object dropped without close(). */
    static final Cleaner CLEANER = Cleaner.create();

    /** What close() or the cleaner frees: references nothing that references the Model. */
    private static final class Resources implements Runnable {
        final GgufFile file;
        final Arena arena = Arena.ofShared();
        final ConcurrentLinkedDeque<NativeContext> idleContexts = new ConcurrentLinkedDeque<>();
        boolean watched; // the weights are the file's mapping (not copied): check it has not shrunk
        Object watchedKey; // the mapped file's identity (device and inode) when the file system gives one
        MemorySegment handle;

        Resources(GgufFile file) {
            this.file = file;
        }

        @Override
        public void run() {
            NativeContext c;
            while ((c = idleContexts.pollFirst()) != null) c.close();
            if (handle != null) jmamba_h.jm_model_free(handle);
            arena.close();
            file.close();
        }
    }

    private final GgufFile file;
    private final Mamba2Params params;
    private final Options options;
    private final Resources res;
    private final Cleaner.Cleanable cleanable;
    private final MemorySegment handle;
    private final Tokenizer tokenizer;
    private final UUID id = UUID.randomUUID();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger activeCalls = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ModelFingerprint fingerprint;

    private Model(GgufFile file, Options options) {
        this.file = file;
        this.options = options;
        this.params = Mamba2Params.fromGguf(file);
        long need = sessionBytes(params);
        if (need > options.maxSessionBytes()) {
            throw new InsufficientMemoryException(file.path() + ": a session of this model needs " + need
                    + " bytes (state " + params.stateBytes() + ", logits " + 4L * params.nVocab()
                    + "), more than the budget of " + options.maxSessionBytes() + " bytes (Model.Options.withMaxSessionBytes)");
        }
        this.res = new Resources(file);
        try {
            Arena arena = res.arena;
            MemorySegment err = NativeCalls.newError(arena);
            MemorySegment p = params.toNative(arena);
            // the tensors are slices of GgufFile's read-only mapping, or of its copy in memory
            jm_model_params.weights_file_mapped(p, options.copyWeights() ? 0 : 1);
            jm_model_params.cpu_features_mask(p, options.cpuFeatureMask()); // packed only for kernels that read it
            MemorySegment out = arena.allocate(jmamba_h.C_POINTER);
            NativeCalls.check(jmamba_h.jm_model_create(p, out, err), err, file.path() + ": cannot create the model");
            handle = out.get(jmamba_h.C_POINTER, 0);
            res.handle = handle;
            attachTensors(err);
            NativeCalls.checkModel(jmamba_h.jm_model_finalize(handle, err), err, file.path().toString());
            this.tokenizer = file.get("tokenizer.ggml.model").isPresent() ? Tokenizer.fromGguf(file) : null;
            if (tokenizer != null && tokenizer.vocabSize() > params.nVocab()) {
                throw new ShapeMismatchException(file.path() + ": the tokenizer has " + tokenizer.vocabSize()
                        + " tokens, but " + NativeCalls.tensorName(jmamba_h.JM_TENSOR_TOKEN_EMBD) + " has rows for only "
                        + params.nVocab());
            }
            if (!options.copyWeights()) {
                res.watchedKey = Files.readAttributes(file.path(), BasicFileAttributes.class).fileKey();
                res.watched = true;
            }
        } catch (IOException e) {
            res.run();
            throw new UncheckedIOException(file.path() + ": cannot read the file's attributes to watch its size", e);
        } catch (RuntimeException | Error e) {
            res.run();
            throw e;
        }
        this.cleanable = CLEANER.register(this, res);
    }

    /** Bytes one session allocates: its state and its logits. */
    static long sessionBytes(Mamba2Params p) {
        return p.stateBytes() + 4L * p.nVocab();
    }

    /**
     * Maps the file; the library checks every tensor's presence, shape and type before anything runs.
     *
     * @throws org.jmamba.gguf.GgufFormatException when the file breaks the GGUF format
     * @throws UnsupportedModelException when it is not a model jmamba can run (including
     *     {@link MissingTensorException} and {@link ShapeMismatchException})
     * @throws org.jmamba.tokenizer.TokenizerFormatException when its tokenizer metadata is bad
     * @throws IOException when the file cannot be opened or read
     */
    public static Model load(Path path) throws IOException {
        return load(path, Options.defaults());
    }

    /** {@link #load(Path)} with these options. */
    public static Model load(Path path, Options options) throws IOException {
        GgufFile file = options.copyWeights() ? GgufFile.read(path) : GgufFile.open(path);
        try {
            return new Model(file, options);
        } catch (RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    /**
     * Hands the library every tensor of the file by name, with its shape and type: the library
     * knows the names, refuses what a Mamba-2 model does not have or cannot use, and names at
     * finalize the first tensor still missing.
     */
    private void attachTensors(MemorySegment err) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment ne = tmp.allocate(ValueLayout.JAVA_LONG, jmamba_h.JM_MAX_DIMS);
            for (GgufTensorInfo t : file.tensors()) {
                if (t.name().indexOf('\0') >= 0) { // C would read the name only up to it
                    throw new UnsupportedModelException(file.path() + ": tensor name '"
                            + t.name().replace("\0", "\\0") + "' contains a NUL byte");
                }
                long[] shape = t.shape();
                MemorySegment.copy(shape, 0, ne, ValueLayout.JAVA_LONG, 0, Math.min(shape.length, jmamba_h.JM_MAX_DIMS));
                MemorySegment data = file.tensorData(t);
                NativeCalls.checkModel(jmamba_h.jm_model_set_tensor_by_name(handle, tmp.allocateFrom(t.name()),
                        t.type().id(), shape.length, ne, data, data.byteSize(), err), err, file.path().toString());
            }
        }
    }

    public Mamba2Params params() {
        return params;
    }

    public Options options() {
        return options;
    }

    public GgufFile gguf() {
        return file;
    }

    public Path path() {
        return file.path();
    }

    /** The tokenizer stored in the file. */
    public Tokenizer tokenizer() {
        if (tokenizer == null) throw new IllegalStateException(file.path() + " has no tokenizer metadata");
        return tokenizer;
    }

    public Optional<Tokenizer> findTokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    public long stateBytes() {
        return params.stateBytes();
    }

    /**
     * What states saved from this model are bound to (see {@link ModelFingerprint}); computed on
     * first use, from at most 64 KiB of each tensor.
     */
    public ModelFingerprint fingerprint() {
        ModelFingerprint f = fingerprint;
        if (f != null) return f;
        synchronized (this) {
            if (fingerprint == null) {
                enter();
                try {
                    fingerprint = ModelFingerprint.of(file, params);
                } finally {
                    leave();
                }
            }
            return fingerprint;
        }
    }

    /** A new sequence starting from the zero state, with {@link SessionOptions#defaults()}. */
    public Session newSession() {
        return newSession(SessionOptions.defaults());
    }

    /** A new sequence starting from the zero state. */
    public Session newSession(SessionOptions options) {
        java.util.Objects.requireNonNull(options, "options");
        enter();
        try {
            Session s = new Session(this, options);
            sessions.add(s);
            if (closed.get()) { // close() may have walked the sessions before this one was added
                s.close();
                throw new IllegalStateException("model " + file.path() + " is closed");
            }
            return s;
        } finally {
            leave();
        }
    }

    UUID id() {
        return id;
    }

    MemorySegment handle() {
        return handle;
    }

    void forget(Session s) {
        sessions.remove(s);
    }

    /**
     * Marks a call in flight: the native model stays allocated until the matching {@link #leave()}.
     *
     * @throws IllegalStateException when the model is closed
     */
    void enter() {
        activeCalls.incrementAndGet();
        if (closed.get()) {
            leave();
            throw new IllegalStateException("model " + file.path() + " is closed");
        }
    }

    void leave() {
        // the last call out of a closed model frees it (clean() runs the release once)
        if (activeCalls.decrementAndGet() == 0 && closed.get()) cleanable.clean();
    }

    /**
     * Called between enter() and leave() before native code reads the weights: a mapped file that
     * shrank would fault (SIGBUS) on the first missing page.
     */
    void checkFile() {
        if (!res.watched) return;
        // By path, not through an open channel: a channel is closed for good when a thread is
        // interrupted in it, and a stat cannot be interrupted.
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(file.path(), BasicFileAttributes.class);
        } catch (IOException e) {
            return; // deleted or renamed away: the mapping keeps the old file's pages alive
        }
        if (res.watchedKey != null && !res.watchedKey.equals(now.fileKey())) return; // replaced (mv): the old file is still mapped
        if (now.size() < file.fileSize()) {
            throw new ModelFileChangedException(file.path() + ": the model file shrank from " + file.fileSize()
                    + " to " + now.size() + " bytes while the model was loaded (was it overwritten in place?); close the model"
                    + " and load it again, or load with Model.Options.withCopiedWeights");
        }
    }

    NativeContext borrowContext() {
        NativeContext c = res.idleContexts.pollFirst();
        return c != null ? c : new NativeContext(options.threads(), options.cpuFeatureMask());
    }

    void returnContext(NativeContext c) {
        res.idleContexts.addFirst(c);
    }

    /** The kernel set this model's evaluations run on this machine with its {@link Options}. */
    public KernelLevel kernelLevel() {
        enter();
        try {
            NativeContext c = borrowContext();
            try {
                return c.kernelLevel();
            } finally {
                returnContext(c);
            }
        } finally {
            leave();
            Reference.reachabilityFence(this);
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Refuses new work, closes every session of this model, and frees the native model, its worker
     * threads and the file's mapping: at once when nothing is running, otherwise when the last
     * evaluation in flight returns (this method does not wait for it). Safe to call from several
     * threads at once, and more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        for (Session s : sessions) s.close();
        if (activeCalls.get() == 0) cleanable.clean();
    }
}
