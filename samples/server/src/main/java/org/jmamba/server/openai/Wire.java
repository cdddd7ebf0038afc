package org.jmamba.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The response bodies of OpenAI's API that the server writes, as Jackson serialises them. */
public final class Wire {
    private Wire() {}

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
                        @JsonProperty("completion_tokens") int completionTokens,
                        @JsonProperty("total_tokens") int totalTokens) {
        public static Usage of(int prompt, int completion) {
            return new Usage(prompt, completion, prompt + completion);
        }
    }

    public record Message(String role, String content, String refusal) {}

    /** A streamed message piece: role on the first chunk, content after. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content) {}

    public record ChatChoice(int index, Message message, @JsonProperty("finish_reason") String finishReason,
                             Object logprobs) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ChatChunkChoice(int index, Delta delta, @JsonProperty("finish_reason") String finishReason,
                                  Object logprobs) {}

    public record ChatCompletion(String id, String object, long created, String model,
                                 List<ChatChoice> choices, Usage usage,
                                 @JsonProperty("system_fingerprint") String systemFingerprint) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatCompletionChunk(String id, String object, long created, String model,
                                      List<ChatChunkChoice> choices, Usage usage) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TextChoice(String text, int index, Object logprobs,
                             @JsonProperty("finish_reason") String finishReason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Completion(String id, String object, long created, String model,
                             List<TextChoice> choices, Usage usage) {}

    public record ModelCard(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {}

    public record ModelList(String object, List<ModelCard> data) {}
}
