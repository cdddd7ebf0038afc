package org.jmamba.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jmamba.chat.ChatMessage;

/**
 * A chat or text completion request, checked field by field: every field OpenAI documents that
 * the server supports, read with its type and range checked; a wrong one gives a 400 naming it.
 * Fields the server does not know are ignored, as OpenAI-compatible servers do.
 *
 * @param messages   the conversation (chat), else null
 * @param prompt     the prompt text (completions), else null
 * @param promptIds  the prompt as token ids (completions given ids), else null
 * @param maxTokens  the most tokens to generate, or -1 for "up to the server's limit"
 * @param seed       the sampler's seed, or null for a random one
 * @param logitBias  token id to a value added to its logit before sampling (-100 bans it)
 */
public record GenerationRequest(String model, List<ChatMessage> messages, String prompt, int[] promptIds,
                                int maxTokens, float temperature, float topP, List<String> stop, Long seed,
                                boolean stream, boolean includeUsage, float frequencyPenalty,
                                float presencePenalty, Map<Integer, Float> logitBias) {

    /** OpenAI allows up to 4 stop sequences. */
    public static final int MAX_STOPS = 4;

    public boolean isChat() {
        return messages != null;
    }

    /** {@code POST /v1/chat/completions}. */
    public static GenerationRequest chat(JsonNode body) {
        requireObject(body);
        JsonNode msgs = body.get("messages");
        if (msgs == null || !msgs.isArray()) throw ApiException.invalid("messages", "'messages' must be an array of messages");
        if (msgs.isEmpty()) throw ApiException.invalid("messages", "'messages' must not be empty");
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) messages.add(message(msgs.get(i), "messages[" + i + "]"));
        int max = maxTokens(body, "max_completion_tokens");
        if (max < 0) max = maxTokens(body, "max_tokens");
        return common(body, messages, null, null, max);
    }

    /** {@code POST /v1/completions}. */
    public static GenerationRequest completion(JsonNode body) {
        requireObject(body);
        JsonNode p = body.get("prompt");
        String text = null;
        int[] ids = null;
        if (p == null || p.isNull()) throw ApiException.invalid("prompt", "'prompt' is required");
        if (p.isTextual()) {
            text = p.asText();
        } else if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            text = p.get(0).asText();
        } else if (p.isArray() && !p.isEmpty() && allInts(p)) {
            ids = new int[p.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = p.get(i).intValue();
        } else if (p.isArray() && p.size() > 1) {
            throw ApiException.invalid("prompt", "only one prompt per request is supported; send one request per prompt");
        } else {
            throw ApiException.invalid("prompt", "'prompt' must be a string, an array of one string, or an array of token ids");
        }
        if (text != null && text.isEmpty()) throw ApiException.invalid("prompt", "'prompt' must not be empty");
        if (body.hasNonNull("suffix")) throw ApiException.invalid("suffix", "'suffix' is not supported");
        if (body.hasNonNull("echo") && body.get("echo").asBoolean()) throw ApiException.invalid("echo", "'echo' is not supported");
        return common(body, null, text, ids, maxTokens(body, "max_tokens"));
    }

    private static GenerationRequest common(JsonNode body, List<ChatMessage> messages, String prompt, int[] ids, int max) {
        String model = body.hasNonNull("model") ? text(body, "model") : null;
        int n = body.hasNonNull("n") ? integer(body, "n") : 1;
        if (n != 1) throw ApiException.invalid("n", "n = " + n + ": this server generates one choice per request (n = 1)");
        if (body.hasNonNull("best_of") && integer(body, "best_of") != 1) {
            throw ApiException.invalid("best_of", "best_of > 1 is not supported");
        }
        float temperature = number(body, "temperature", 1.0f, 0f, 2f);
        float topP = number(body, "top_p", 1.0f, 0f, 1f);
        if (topP == 0f) topP = Float.MIN_NORMAL; // OpenAI accepts 0: the most likely token only
        float freq = number(body, "frequency_penalty", 0f, -2f, 2f);
        float pres = number(body, "presence_penalty", 0f, -2f, 2f);
        Long seed = body.hasNonNull("seed") ? longValue(body, "seed") : null;
        boolean stream = bool(body, "stream");
        boolean includeUsage = false;
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!so.isObject()) throw ApiException.invalid("stream_options", "'stream_options' must be an object");
            if (!stream) throw ApiException.invalid("stream_options", "'stream_options' is only allowed when 'stream' is true");
            includeUsage = bool(so, "include_usage");
        }
        return new GenerationRequest(model, messages, prompt, ids, max, temperature, topP, stops(body), seed,
                stream, includeUsage, freq, pres, logitBias(body));
    }

    private static ChatMessage message(JsonNode m, String where) {
        if (m == null || !m.isObject()) throw ApiException.invalid(where, where + " must be an object");
        JsonNode r = m.get("role");
        if (r == null || !r.isTextual()) throw ApiException.invalid(where + ".role", where + ".role must be a string");
        ChatMessage.Role role = switch (r.asText()) {
            case "system", "developer" -> ChatMessage.Role.SYSTEM;
            case "user" -> ChatMessage.Role.USER;
            case "assistant" -> ChatMessage.Role.ASSISTANT;
            default -> throw ApiException.invalid(where + ".role", where + ".role '" + r.asText()
                    + "' is not supported (system, developer, user, assistant)");
        };
        return new ChatMessage(role, content(m.get("content"), where + ".content"));
    }

    /** A string, or an array of {"type": "text", "text": ...} parts joined. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) throw ApiException.invalid(where, where + " is required");
        if (c.isTextual()) return c.asText();
        if (!c.isArray()) throw ApiException.invalid(where, where + " must be a string or an array of text parts");
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : c) {
            if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiException.invalid(where, where + ": only text parts ({\"type\": \"text\", \"text\": ...}) are supported");
            }
            sb.append(part.get("text").asText());
        }
        return sb.toString();
    }

    private static List<String> stops(JsonNode body) {
        JsonNode s = body.get("stop");
        if (s == null || s.isNull()) return List.of();
        List<String> out = new ArrayList<>();
        if (s.isTextual()) {
            out.add(s.asText());
        } else if (s.isArray()) {
            for (JsonNode e : s) {
                if (!e.isTextual()) throw ApiException.invalid("stop", "'stop' must be a string or an array of strings");
                out.add(e.asText());
            }
        } else {
            throw ApiException.invalid("stop", "'stop' must be a string or an array of strings");
        }
        if (out.size() > MAX_STOPS) throw ApiException.invalid("stop", "'stop' has " + out.size() + " sequences; at most " + MAX_STOPS);
        for (String e : out) if (e.isEmpty()) throw ApiException.invalid("stop", "'stop' sequences must not be empty");
        return List.copyOf(out);
    }

    private static Map<Integer, Float> logitBias(JsonNode body) {
        JsonNode b = body.get("logit_bias");
        if (b == null || b.isNull()) return Map.of();
        if (!b.isObject()) throw ApiException.invalid("logit_bias", "'logit_bias' must be an object of token id to bias");
        Map<Integer, Float> out = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException x) {
                throw ApiException.invalid("logit_bias", "'logit_bias' key '" + e.getKey() + "' is not a token id");
            }
            double v = e.getValue().isNumber() ? e.getValue().doubleValue() : Double.NaN;
            if (!(v >= -100 && v <= 100)) {
                throw ApiException.invalid("logit_bias", "'logit_bias' value for " + id + " must be a number in [-100, 100]");
            }
            out.put(id, (float) v);
        }
        return Map.copyOf(out);
    }

    private static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.invalid(null, "the request body must be a JSON object");
    }

    private static int maxTokens(JsonNode body, String field) {
        if (!body.hasNonNull(field)) return -1;
        int v = integer(body, field);
        if (v < 1) throw ApiException.invalid(field, "'" + field + "' = " + v + " must be at least 1");
        return v;
    }

    private static boolean allInts(JsonNode a) {
        for (Iterator<JsonNode> it = a.elements(); it.hasNext(); ) if (!it.next().canConvertToInt()) return false;
        return true;
    }

    private static String text(JsonNode o, String f) {
        JsonNode v = o.get(f);
        if (!v.isTextual()) throw ApiException.invalid(f, "'" + f + "' must be a string");
        return v.asText();
    }

    private static int integer(JsonNode o, String f) {
        JsonNode v = o.get(f);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw ApiException.invalid(f, "'" + f + "' must be an integer");
        return v.intValue();
    }

    private static long longValue(JsonNode o, String f) {
        JsonNode v = o.get(f);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ApiException.invalid(f, "'" + f + "' must be an integer");
        return v.longValue();
    }

    private static boolean bool(JsonNode o, String f) {
        JsonNode v = o.get(f);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiException.invalid(f, "'" + f + "' must be true or false");
        return v.booleanValue();
    }

    private static float number(JsonNode o, String f, float dflt, float lo, float hi) {
        JsonNode v = o.get(f);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw ApiException.invalid(f, "'" + f + "' must be a number");
        double d = v.doubleValue();
        if (!(d >= lo && d <= hi)) throw ApiException.invalid(f, "'" + f + "' = " + v + " is out of range [" + lo + ", " + hi + "]");
        return (float) d;
    }

    @Override
    public String toString() {
        return Map.of("model", String.valueOf(model), "chat", isChat(), "stream", stream).toString();
    }
}
