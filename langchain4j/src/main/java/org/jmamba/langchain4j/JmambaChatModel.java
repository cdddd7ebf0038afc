package org.jmamba.langchain4j;

import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.jmamba.Model;

/**
 * A LangChain4j {@link ChatModel} that runs a local {@link Model} in this process: no server, no
 * HTTP. Each call renders the whole conversation with the chat template and generates the reply
 * on a session of its own, so calls from several threads may run at once.
 *
 * <p><b>Cancellation:</b> interrupting the calling thread stops the generation at the next token;
 * the call then throws a {@link LangChain4jException} whose cause is an {@link InterruptedException},
 * and the thread's interrupt flag stays set.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("codestral.gguf"))) {
 *     ChatModel chat = JmambaChatModel.builder().model(model).temperature(0.2).build();
 *     Assistant a = AiServices.create(Assistant.class, chat);
 * }
 * }</pre>
 */
public final class JmambaChatModel implements ChatModel {
    private final LocalGeneration generation;
    private final ChatRequestParameters defaults;

    private JmambaChatModel(Builder b) {
        this.generation = b.generation();
        this.defaults = b.defaults();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for a {@link JmambaChatModel}; {@link #model(Model)} is required. */
    public static final class Builder extends ModelSettings<Builder> {
        private Builder() {}

        public JmambaChatModel build() {
            return new JmambaChatModel(this);
        }
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        LocalGeneration.Prepared prepared = generation.prepare(request);
        Thread caller = Thread.currentThread();
        if (caller.isInterrupted()) throw interrupted();
        org.jmamba.generate.Generator[] running = new org.jmamba.generate.Generator[1];
        ChatResponse response = generation.run(prepared, g -> running[0] = g, piece -> {
            if (caller.isInterrupted()) running[0].cancel();
        });
        if (caller.isInterrupted()) throw interrupted();
        return response;
    }

    private static LangChain4jException interrupted() {
        return new LangChain4jException("the generation was interrupted", new InterruptedException());
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }
}
