/**
 * Mamba-2 models run locally: {@link org.jmamba.Model} loads a GGUF file, a
 * {@link org.jmamba.Session} evaluates one sequence and returns its {@link org.jmamba.Logits}, a
 * {@link org.jmamba.State} saves and restores a sequence.
 *
 * <p>State kept and reused: a session remembers its token ids and keeps checkpoints within the
 * budget of its {@link org.jmamba.SessionOptions}, so {@link org.jmamba.Session#rewind} goes back to
 * any position and {@link org.jmamba.Session#evalSequence} evaluates only what follows an edit; a
 * {@link org.jmamba.PromptCache} shares prompt prefixes between sessions; a saved state is bound to
 * its model's {@link org.jmamba.ModelFingerprint} (format: {@code docs/state-format.md}).
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("codestral-mamba-7b-q4_k_m.gguf"));
 *      Session session = model.newSession()) {
 *     Logits logits = session.eval(model.tokenizer().encode("def fib(n):"));
 *     int next = logits.argmax();
 * }
 * }</pre>
 *
 * <h2>Errors</h2>
 * <ul>
 *   <li>Every problem jmamba detects in what it is given is an unchecked
 *       {@link org.jmamba.JmambaException}, the message naming the file, key, tensor or value:
 *       {@link org.jmamba.gguf.GgufFormatException} (the file breaks the GGUF format),
 *       {@link org.jmamba.tokenizer.TokenizerFormatException} (tokenizer metadata),
 *       {@link org.jmamba.UnsupportedModelException} with {@link org.jmamba.MissingTensorException}
 *       and {@link org.jmamba.ShapeMismatchException} (a valid GGUF jmamba cannot run),
 *       {@link org.jmamba.StateFormatException} (a saved state file that does not fit; its subclass
 *       {@link org.jmamba.StateModelMismatchException}: a state of another model),
 *       {@link org.jmamba.InsufficientMemoryException} (a session over
 *       {@link org.jmamba.Model.Options#maxSessionBytes()}, or native memory exhausted),
 *       {@link org.jmamba.ModelFileChangedException} (the mapped model file shrank), and
 *       {@link org.jmamba.NativeException} (a failure the native library reports, with its message).</li>
 *   <li>Only failures of the operating system's I/O (a file that is missing or unreadable, a full
 *       disk) are {@link java.io.IOException}s, checked, declared by the methods that open, read or
 *       write files ({@link org.jmamba.Model#load}, {@link org.jmamba.State#save},
 *       {@link org.jmamba.State#load}, {@link org.jmamba.gguf.GgufFile#open}, ...).</li>
 *   <li>A bad argument (a token id outside the vocabulary, a negative thread count) is an
 *       {@link java.lang.IllegalArgumentException}; use of a closed model or session, a session used
 *       by two threads at once, or a stale {@link org.jmamba.Logits} view is an
 *       {@link java.lang.IllegalStateException}.</li>
 * </ul>
 */
package org.jmamba;
