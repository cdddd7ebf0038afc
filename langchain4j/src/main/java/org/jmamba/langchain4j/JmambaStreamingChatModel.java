package org.jmamba.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmamba.Model;
import org.jmamba.generate.Generator;

/**
 * A LangChain4j {@link StreamingChatModel} over a local {@link Model}, in this process. Each
 * request generates on a thread of its own (or on the {@link Builder#executor executor} given),
 * calling {@code onPartialResponse} with each piece of text as it is decoded, then
 * {@code onCompleteResponse} with the whole reply, the token counts and the finish reason; a
 * failure goes to {@code onError} instead.
 *
 * <p><b>Cancellation:</b> {@link StreamingHandle#cancel()}, from the handle every partial response
 * carries, stops the generation at the next token; after it, the handler hears nothing more
 * (neither a partial nor a complete response nor an error). An exception thrown by a handler's
 * {@code onPartialResponse} stops the generation too and is passed to {@code onError}.
 */
public final class JmambaStreamingChatModel implements StreamingChatModel {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final LocalGeneration generation;
    private final ChatRequestParameters defaults;
    private final Executor executor;
    private final AtomicInteger running = new AtomicInteger();

    private JmambaStreamingChatModel(Builder b) {
        this.generation = b.generation();
        this.defaults = b.defaults();
        this.executor = b.executor != null ? b.executor
                : task -> Thread.ofPlatform().daemon().name("jmamba-chat-" + THREADS.incrementAndGet()).start(task);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for a {@link JmambaStreamingChatModel}; {@link #model(Model)} is required. */
    public static final class Builder extends ModelSettings<Builder> {
        private Executor executor;

        private Builder() {}

        /** Where generations run; default a new daemon thread per request. */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        public JmambaStreamingChatModel build() {
            return new JmambaStreamingChatModel(this);
        }
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        LocalGeneration.Prepared prepared;
        try {
            prepared = generation.prepare(request);
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        Handle handle = new Handle();
        running.incrementAndGet();
        executor.execute(() -> {
            try {
                ChatResponse response = generation.run(prepared, handle::started, piece -> {
                    if (handle.isCancelled() || handle.failure != null) {
                        handle.generator.cancel(); // again: a cancel before the run began was reset by it
                        return;
                    }
                    try {
                        handler.onPartialResponse(new PartialResponse(piece), new PartialResponseContext(handle));
                    } catch (RuntimeException e) {
                        handle.failed(e);
                    }
                });
                if (handle.failure != null) handler.onError(handle.failure);
                else if (!handle.isCancelled()) handler.onCompleteResponse(response);
            } catch (RuntimeException | Error e) {
                if (!handle.isCancelled()) handler.onError(e);
            } finally {
                running.decrementAndGet();
            }
        });
    }

    /** Generations started and not yet ended (for tests and shutdown). */
    int running() {
        return running.get();
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** One request's cancel switch, wired to its generator. */
    private static final class Handle implements StreamingHandle {
        private volatile boolean cancelled;
        private volatile Generator generator;
        private volatile RuntimeException failure;

        void started(Generator g) {
            generator = g;
            if (cancelled) g.cancel();
        }

        void failed(RuntimeException e) {
            failure = e;
            Generator g = generator;
            if (g != null) g.cancel();
        }

        @Override
        public void cancel() {
            cancelled = true;
            Generator g = generator;
            if (g != null) g.cancel();
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }
}
