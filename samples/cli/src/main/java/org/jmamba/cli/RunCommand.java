package org.jmamba.cli;

import java.io.IOException;
import org.jmamba.tokenizer.EncodeOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "the prompt (optional with --state)")
    String prompt;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "tokens to generate at most (default: ${DEFAULT-VALUE})")
    int nPredict = 256;

    @Option(names = "--chat", description = "wrap the prompt in the model's chat format ([INST] ... [/INST])")
    boolean chat;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop when the output contains TEXT (repeatable)")
    List<String> stops = List.of();

    @Option(names = "--ignore-eos", description = "keep generating past end-of-generation tokens")
    boolean ignoreEos;

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
        if (nPredict <= 0) throw new IllegalArgumentException("-n must be positive, got " + nPredict);
        if (prompt == null && state.from == null) throw new IllegalArgumentException("give a prompt (-p TEXT), or a state to continue (--state FILE)");
        if (prompt != null && prompt.isEmpty()) throw new IllegalArgumentException("the prompt is empty");
        if (promptCache != null && state.from != null) throw new IllegalArgumentException("--prompt-cache and --state do not go together");
        if (model == null) {
            model = DefaultModel.resolve();
            System.err.println("jmamba run: no -m given, using the default model " + model);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Model m = Model.load(model, threads.options()); Session s = m.newSession();
             PromptCache cache = promptCache == null ? null : PromptCache.open(promptCache, 0, promptCacheMiB << 20)) {
            Tokenizer tok = m.tokenizer();
            boolean continuing = state.restoreInto(s, prompt == null);
            EncodeOptions enc = EncodeOptions.PLAIN.withBos(!continuing && tok.addBosDefault()); // a continued state has its BOS
            int[] ids = prompt == null ? new int[0] : chat
                    ? tok.encode(MistralInstruct.v3().render(List.of(ChatMessage.user(prompt))), enc.withParseSpecial())
                    : tok.encode(prompt, enc);
            GenerationOptions opts = new GenerationOptions(nPredict, sampling.config(), stops, !ignoreEos);
            Generator g = new Generator(s, tok).usePromptCache(cache);
            GenerationStats st = g.generate(ids, opts, text -> out.print(text));
            out.println();
            System.err.println(st.summary());
            state.saveFrom(s);
        }
        return 0;
    }
}
