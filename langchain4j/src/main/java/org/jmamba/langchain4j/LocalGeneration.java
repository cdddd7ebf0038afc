package org.jmamba.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.chat.ChatMessage;
import org.jmamba.chat.ChatTemplate;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.generate.Generator;
import org.jmamba.sampling.SamplerConfig;
import org.jmamba.tokenizer.EncodeOptions;

/**
 * What both chat models share: a LangChain4j request turned into the model's prompt and sampling
 * settings, one generation on a session of its own, and its result as a LangChain4j response.
 * Every request is whole (LangChain4j sends the full conversation each time), so each runs on a
 * fresh session that is closed at its end; requests may run at the same time.
 */
final class LocalGeneration {
    private static final SecureRandom SEEDS = new SecureRandom();

    private final Model model;
    private final ChatTemplate template;
    private final String modelName;
    private final Long seed;
    private final boolean stopAtEndOfGeneration;

    LocalGeneration(Model model, ChatTemplate template, String modelName, Long seed, boolean stopAtEndOfGeneration) {
        this.model = model;
        this.template = template;
        this.modelName = modelName;
        this.seed = seed;
        this.stopAtEndOfGeneration = stopAtEndOfGeneration;
    }

    String modelName() {
        return modelName;
    }

    /** A request checked and converted, ready to run. */
    record Prepared(int[] prompt, GenerationOptions options) {}

    Prepared prepare(ChatRequest request) {
        ChatRequestParameters p = request.parameters();
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by jmamba's chat models");
        }
        ResponseFormat format = p.responseFormat();
        if (format != null && format.type() == ResponseFormatType.JSON) {
            throw new UnsupportedFeatureException("a JSON response format is not supported by jmamba's chat models");
        }
        List<ChatMessage> conversation = new ArrayList<>();
        for (dev.langchain4j.data.message.ChatMessage m : request.messages()) conversation.add(convert(m));
        String text = template.render(conversation);
        var tok = model.tokenizer();
        int[] prompt = tok.encode(text, EncodeOptions.PLAIN.withBos(tok.addBosDefault()).withParseSpecial());

        SamplerConfig d = SamplerConfig.defaults();
        SamplerConfig sampler;
        try {
            sampler = new SamplerConfig(
                    p.temperature() != null ? p.temperature().floatValue() : d.temperature(),
                    p.topK() != null ? p.topK() : d.topK(),
                    p.topP() != null ? p.topP().floatValue() : d.topP(),
                    d.minP(), d.repeatPenalty(), d.repeatLastN(),
                    p.frequencyPenalty() != null ? p.frequencyPenalty().floatValue() : d.frequencyPenalty(),
                    p.presencePenalty() != null ? p.presencePenalty().floatValue() : d.presencePenalty(),
                    seed != null ? seed : SEEDS.nextLong());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chat request parameters: " + e.getMessage(), e);
        }
        int maxTokens = p.maxOutputTokens() != null ? p.maxOutputTokens() : Integer.MAX_VALUE;
        List<String> stops = p.stopSequences() != null ? p.stopSequences() : List.of();
        return new Prepared(prompt, new GenerationOptions(maxTokens, sampler, stops, stopAtEndOfGeneration));
    }

    private static ChatMessage convert(dev.langchain4j.data.message.ChatMessage m) {
        return switch (m) {
            case SystemMessage s -> ChatMessage.system(s.text());
            case UserMessage u -> {
                if (!u.hasSingleText()) {
                    throw new UnsupportedFeatureException("only text user messages are supported (no images, audio or files)");
                }
                yield ChatMessage.user(u.singleText());
            }
            case AiMessage a -> {
                if (a.hasToolExecutionRequests()) throw new UnsupportedFeatureException("tools are not supported by jmamba's chat models");
                yield ChatMessage.assistant(a.text() == null ? "" : a.text());
            }
            default -> throw new UnsupportedFeatureException("messages of type " + m.type() + " are not supported by jmamba's chat models");
        };
    }

    /** Runs a prepared request on a new session; generator receives the Generator before the run, for cancel(). */
    ChatResponse run(Prepared prepared, Consumer<Generator> started, Consumer<String> onText) {
        try (Session session = model.newSession()) {
            Generator g = new Generator(session, model.tokenizer());
            started.accept(g);
            StringBuilder text = new StringBuilder();
            GenerationStats stats = g.generate(prepared.prompt(), prepared.options(), piece -> {
                text.append(piece);
                onText.accept(piece);
            });
            return response(text.toString(), stats);
        }
    }

    private ChatResponse response(String text, GenerationStats stats) {
        FinishReason finish = switch (stats.stopReason()) {
            case END_OF_GENERATION, STOP_STRING -> FinishReason.STOP;
            case MAX_TOKENS -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(text))
                .metadata(ChatResponseMetadata.builder()
                        .modelName(modelName)
                        .tokenUsage(new TokenUsage(stats.promptTokens(), stats.generatedTokens()))
                        .finishReason(finish)
                        .build())
                .build();
    }
}
