package org.jmamba.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jmamba.Model;
import org.jmamba.PromptCache;
import org.jmamba.Session;
import org.jmamba.chat.ChatMessage;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.generate.Generator;
import org.jmamba.tokenizer.EncodeOptions;
import org.jmamba.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt: the text streams to stdout, the stats go to stderr.")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model (default: the repository's Java model, "
            + DefaultModel.FILE + ")")
    Path model;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "the prompt; - reads it from standard input (optional with --state)")
    String prompt;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the prompt from FILE (UTF-8)")
    Path promptFile;

    @Option(names = {"-n", "--n-predict", "--predict"}, paramLabel = "N", description = "tokens to generate at most; -1 = until an end-of-generation token (default: ${DEFAULT-VALUE})")
    int nPredict = 256;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N",
            description = "Mamba has no context window (its state has one size at any length), so 0, the default, is no limit;"
                    + " N > 0 caps prompt + generated tokens at N, as llama.cpp's context would")
    int ctxSize = 0;

    @Option(names = "--chat", description = "wrap the prompt in the model's chat format ([INST] ... [/INST])")
    boolean chat;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop when the output contains TEXT (repeatable)")
    List<String> stops = List.of();

    @Option(names = "--ignore-eos", description = "keep generating past end-of-generation tokens")
    boolean ignoreEos;

    @Option(names = "--verbose-prompt", description = "print the prompt's tokens (id -> piece) to stderr before generating")
    boolean verbosePrompt;

    @Option(names = "--json", description = "print one JSON object (text, token counts, timings, seed) instead of streaming")
    boolean json;

    @Option(names = {"-ngl", "--gpu-layers", "--n-gpu-layers"}, paramLabel = "N", hidden = true)
    String gpuLayers;

    @Mixin
    StateOptions state;

    @Option(names = "--prompt-cache", paramLabel = "DIR",
            description = "reuse the longest prefix of the prompt whose state DIR holds, and keep this prompt's state there")
    Path promptCache;

    @Option(names = "--prompt-cache-max", paramLabel = "MIB", description = "what --prompt-cache DIR may hold (default: ${DEFAULT-VALUE} MiB)")
    long promptCacheMiB = 8192;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws IOException {
        if (gpuLayers != null) {
            throw new CliException("-ngl/--gpu-layers " + gpuLayers + ": jmamba runs on the CPU only, there are no layers to offload; drop the flag");
        }
        int maxTokens = maxTokens(nPredict, "-n/--n-predict");
        if (ctxSize < 0) throw new CliException("-c/--ctx-size must be 0 (no limit) or more, got " + ctxSize);
        if (promptCache != null && state.from != null) throw new CliException("--prompt-cache and --state do not go together");
        String text = promptText();
        GenerationOptions opts;
        try {
            opts = new GenerationOptions(maxTokens, sampling.config(), stops, !ignoreEos);
        } catch (IllegalArgumentException e) {
            throw new CliException("--stop: " + e.getMessage());
        }
        if (model == null) {
            model = DefaultModel.resolve();
            System.err.println("jmamba run: no -m given, using the default model " + model);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        long loadStart = System.nanoTime();
        try (Model m = Model.load(model, threads.options()); Session s = m.newSession();
             PromptCache cache = promptCache == null ? null : PromptCache.open(promptCache, 0, promptCacheMiB << 20)) {
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
            if (sampling.seedIsRandom()) System.err.println("seed: " + sampling.effectiveSeed());
            Tokenizer tok = m.tokenizer();
            boolean continuing = state.restoreInto(s, text == null);
            EncodeOptions enc = EncodeOptions.PLAIN.withBos(!continuing && tok.addBosDefault()); // a continued state has its BOS
            int[] ids = text == null ? new int[0] : chat
                    ? tok.encode(MistralInstruct.v3().render(List.of(ChatMessage.user(text))), enc.withParseSpecial())
                    : tok.encode(text, enc);
            if (ids.length == 0 && !continuing) throw new CliException("the prompt has no tokens");
            if (verbosePrompt) printTokens(text == null ? "" : text, ids, tok);
            if (ctxSize > 0) {
                if (ids.length >= ctxSize) {
                    throw new CliException("the prompt is " + ids.length + " tokens, which leaves nothing to generate within -c/--ctx-size " + ctxSize);
                }
                opts = opts.withMaxTokens(Math.min(maxTokens, ctxSize - ids.length));
            }
            Generator g = new Generator(s, tok).usePromptCache(cache);
            StringBuilder all = new StringBuilder();
            // Ctrl-C stops the generation, and the text so far and the stats still come out (as llama.cpp's)
            Object previous = org.jline.utils.Signals.register("INT", g::cancel);
            GenerationStats st;
            try {
                st = g.generate(ids, opts, piece -> {
                    if (json) all.append(piece);
                    else out.print(piece);
                });
            } finally {
                org.jline.utils.Signals.unregister("INT", previous);
            }
            if (json) out.println(json(all.toString(), st, loadMs));
            else out.println();
            System.err.println(st.summary());
            perf(st, loadMs).forEach(System.err::println);
            state.saveFrom(s);
            if (st.stopReason() == org.jmamba.generate.StopReason.CANCELLED) return 130; // as a shell reports Ctrl-C
        }
        return 0;
    }

    /** -n as llama.cpp reads it: -1 is "no limit", 0 and other negatives are mistakes. */
    static int maxTokens(int n, String flag) {
        if (n == -1) return Integer.MAX_VALUE;
        if (n <= 0) throw new CliException(flag + " must be positive, or -1 for no limit; got " + n);
        return n;
    }

    private String promptText() throws IOException {
        if (prompt != null && promptFile != null) throw new CliException("give the prompt once: -p or -f, not both");
        String text;
        if (promptFile != null) {
            text = Files.readString(promptFile, StandardCharsets.UTF_8);
        } else if ("-".equals(prompt)) {
            text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        } else if (prompt != null) {
            text = prompt;
        } else if (state.from != null) {
            return null; // the state's own next token goes on
        } else {
            throw new CliException("no prompt: give -p TEXT, -p - (read standard input) or -f FILE, or a state to continue (--state FILE)");
        }
        if (text.isEmpty()) throw new CliException("the prompt is empty");
        return text;
    }

    private static void printTokens(String text, int[] ids, Tokenizer tok) {
        System.err.println("prompt: '" + text + "'");
        System.err.println("number of tokens in prompt = " + ids.length);
        for (int id : ids) {
            String piece = new String(tok.tokenBytes(id, true), StandardCharsets.UTF_8);
            System.err.printf("%6d -> '%s'%n", id, piece);
        }
        System.err.println();
    }

    /** The figures of llama.cpp's llama_perf_context_print, in its layout. */
    static List<String> perf(GenerationStats st, double loadMs) {
        double promptMs = st.prefillTime().toNanos() / 1e6;
        double evalMs = st.decodeTime().toNanos() / 1e6;
        int evals = st.generatedTokens(); // decodeTime runs from the first token's draw: every generated token's eval
        return List.of(
                String.format("jmamba_perf:        load time = %10.2f ms", loadMs),
                String.format("jmamba_perf: prompt eval time = %10.2f ms / %5d tokens (%8.2f ms per token, %8.2f tokens per second)",
                        promptMs, st.promptTokens(), perToken(promptMs, st.promptTokens()), perSecond(promptMs, st.promptTokens())),
                String.format("jmamba_perf:        eval time = %10.2f ms / %5d runs   (%8.2f ms per token, %8.2f tokens per second)",
                        evalMs, evals, perToken(evalMs, evals), perSecond(evalMs, evals)),
                String.format("jmamba_perf:       total time = %10.2f ms / %5d tokens, stop: %s",
                        loadMs + st.timeToFirstToken().toNanos() / 1e6 + evalMs, st.promptTokens() + st.generatedTokens(),
                        st.stopReason().name().toLowerCase().replace('_', ' ')));
    }

    private static double perToken(double ms, int n) {
        return n > 0 ? ms / n : 0;
    }

    private static double perSecond(double ms, int n) {
        return ms > 0 ? n * 1000 / ms : 0;
    }

    private String json(String text, GenerationStats st, double loadMs) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model.toString());
        root.put("content", text);
        root.put("stop_reason", st.stopReason().name().toLowerCase());
        root.put("seed", sampling.effectiveSeed());
        root.put("tokens_evaluated", st.promptTokens());
        root.put("tokens_predicted", st.generatedTokens());
        ObjectNode t = root.putObject("timings");
        double promptMs = st.prefillTime().toNanos() / 1e6;
        double evalMs = st.decodeTime().toNanos() / 1e6;
        int evals = st.generatedTokens();
        t.put("load_ms", loadMs);
        t.put("prompt_n", st.promptTokens());
        t.put("prompt_ms", promptMs);
        t.put("prompt_per_second", perSecond(promptMs, st.promptTokens()));
        t.put("first_token_ms", st.timeToFirstToken().toNanos() / 1e6);
        t.put("predicted_n", evals);
        t.put("predicted_ms", evalMs);
        t.put("predicted_per_second", perSecond(evalMs, evals));
        return root.toString();
    }
}
