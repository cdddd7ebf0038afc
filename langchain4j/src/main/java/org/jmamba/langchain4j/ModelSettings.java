package org.jmamba.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.util.List;
import java.util.Objects;
import org.jmamba.Model;
import org.jmamba.chat.ChatTemplate;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.sampling.SamplerConfig;

/**
 * The settings both chat models are built from; a request's own parameters override the defaults
 * given here. The {@link Model} stays the caller's: the chat models never close it.
 *
 * @param <B> the concrete builder
 */
public abstract class ModelSettings<B extends ModelSettings<B>> {
    Model model;
    ChatTemplate template = MistralInstruct.v3();
    String modelName;
    Double temperature;
    Double topP;
    Integer topK;
    Integer maxOutputTokens = 1024;
    List<String> stopSequences = List.of();
    Long seed;
    boolean stopAtEndOfGeneration = true;

    ModelSettings() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The loaded model to generate with (required); it is not closed by the chat model. */
    public B model(Model model) {
        this.model = model;
        return self();
    }

    /** How messages become the prompt; default {@link MistralInstruct#v3()}, Codestral Mamba's format. */
    public B template(ChatTemplate template) {
        this.template = template;
        return self();
    }

    /** The name responses report; default the GGUF's general.name, else the file's name. */
    public B modelName(String name) {
        this.modelName = name;
        return self();
    }

    public B temperature(Double t) {
        this.temperature = t;
        return self();
    }

    public B topP(Double p) {
        this.topP = p;
        return self();
    }

    public B topK(Integer k) {
        this.topK = k;
        return self();
    }

    /** Tokens per reply at most, unless a request says otherwise; default 1024, null for no limit. */
    public B maxOutputTokens(Integer n) {
        this.maxOutputTokens = n;
        return self();
    }

    public B stopSequences(List<String> stops) {
        this.stopSequences = List.copyOf(stops);
        return self();
    }

    /** A fixed seed makes replies repeatable; default a random one per request. */
    public B seed(Long seed) {
        this.seed = seed;
        return self();
    }

    /**
     * Whether a reply ends at the model's end-of-generation token (default true); false generates
     * up to the token limit, as llama.cpp's {@code --ignore-eos}.
     */
    public B stopAtEndOfGeneration(boolean stop) {
        this.stopAtEndOfGeneration = stop;
        return self();
    }

    LocalGeneration generation() {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(template, "template");
        return new LocalGeneration(model, template, name(), seed, stopAtEndOfGeneration);
    }

    ChatRequestParameters defaults() {
        SamplerConfig d = SamplerConfig.defaults();
        return DefaultChatRequestParameters.builder()
                .modelName(name())
                .temperature(temperature != null ? temperature : (double) d.temperature())
                .topP(topP != null ? topP : (double) d.topP())
                .topK(topK != null ? topK : d.topK())
                .maxOutputTokens(maxOutputTokens)
                .stopSequences(stopSequences)
                .build();
    }

    private String name() {
        if (modelName != null) return modelName;
        Objects.requireNonNull(model, "model");
        return model.gguf().get("general.name")
                .filter(v -> v instanceof org.jmamba.gguf.GgufValue.Str)
                .map(org.jmamba.gguf.GgufValue::asText)
                .filter(s -> !s.isBlank())
                .orElse(model.path().getFileName().toString());
    }
}
