/**
 * Embedding jmamba in an application with a UI thread (Swing's event dispatch thread, JavaFX's
 * application thread, or any single-threaded executor), without depending on a toolkit.
 *
 * <ul>
 *   <li>{@link org.jmamba.embed.ModelLoader} loads a model on a background thread and reports
 *       progress on the caller's executor; the result is a {@link java.util.concurrent.CompletableFuture}.
 *   <li>{@link org.jmamba.embed.BackgroundGeneration} runs one generation on a worker thread and
 *       hands its text to the caller's executor in batches: while a batch waits for the UI thread,
 *       new text joins it instead of queueing another task, so a fast model cannot flood the event
 *       queue. {@link org.jmamba.embed.BackgroundGeneration#cancel()} stops it before its next token.
 * </ul>
 *
 * <p>Neither class touches a session from the UI thread: the session belongs to the worker from
 * {@code start} until {@link org.jmamba.embed.BackgroundGeneration#done()} completes.
 */
package org.jmamba.embed;
