package org.jmamba.cli;

import java.io.IOException;
import org.jmamba.tokenizer.EncodeOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.State;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.generate.Generator;
import org.jmamba.gguf.GgmlType;
import org.jmamba.sampling.SamplerConfig;
import org.jmamba.testkit.RandomMamba2;
import org.jmamba.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline on a small random-weight model (made once and cached): load, tokenize, prefill, stream, snapshot and restore.")
final class DemoCommand implements Callable<Integer> {
    static final RandomMamba2.Shape SHAPE = new RandomMamba2.Shape(4096, 256, 4, 512, 64, 16, 1, 4, false);
    static final String PROMPT = "def fibonacci(n):\n    if n < 2:\n        return n\n";

    @Option(names = "--model-dir", paramLabel = "DIR", description = "where the demo model is cached (default: ~/.cache/jmamba/demo)")
    Path dir;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "tokens to generate (default: ${DEFAULT-VALUE})")
    int nPredict = 48;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("jmamba demo: the weights below are RANDOM, so the text is noise. It exercises every step a real");
        out.println("model goes through; see the end for how to run Codestral Mamba.\n");
        Path file = demoModel(out);
        try (Model model = Model.load(file, threads.options()); Session session = model.newSession()) {
            var p = model.params();
            out.printf("model:     %s%n", file);
            out.printf("shape:     %d layers, d_model %d, d_inner %d, %d heads x %d, d_state %d, vocab %d, %s weights%n",
                    p.nLayer(), p.dModel(), p.dInner(), p.nHead(), p.headDim(), p.dState(), p.nVocab(), GgmlType.Q8_0);
            out.printf("state:     %s per sequence, whatever the context length%n", InfoCommand.human(p.stateBytes()));
            out.printf("kernels:   %s, %d threads%n%n", model.kernelLevel().displayName(), threads.threads > 0 ? threads.threads : Runtime.getRuntime().availableProcessors());

            Tokenizer tok = model.tokenizer();
            int[] ids = tok.encode(PROMPT, EncodeOptions.PLAIN.withBos());
            out.printf("prompt:    %s%n", PROMPT.replace("\n", "\\n"));
            out.printf("tokens:    %d ids %s%n%n", ids.length, Arrays.toString(ids));

            SamplerConfig sampler = SamplerConfig.defaults().withSeed(42);
            GenerationOptions opts = new GenerationOptions(nPredict, sampler, List.of(), true);
            Generator gen = new Generator(session, tok);

            session.feed(Arrays.copyOf(ids, ids.length - 1)); // prefill all but the last token, then keep that state
            try (State afterPrompt = session.snapshot()) {
                StringBuilder first = new StringBuilder();
                out.println("--- generating (streamed) ---");
                GenerationStats st = gen.generate(new int[] {ids[ids.length - 1]}, opts, t -> {
                    out.print(t);
                    first.append(t);
                });
                out.println("\n--- end ---\n");

                session.restore(afterPrompt);
                StringBuilder again = new StringBuilder();
                gen.generate(new int[] {ids[ids.length - 1]}, opts, again::append);
                out.printf("snapshot/restore: the state after the prompt was saved (%s), restored, and the same seed%n",
                        InfoCommand.human(afterPrompt.byteSize()));
                out.printf("                  gave %s continuation.%n%n",
                        first.toString().equals(again.toString()) ? "the identical" : "a DIFFERENT (bug!)");

                try (Session big = model.newSession()) {
                    long t0 = System.nanoTime();
                    big.feed(ids);
                    double prefill = ids.length / ((System.nanoTime() - t0) / 1e9);
                    out.printf("stats:     prompt: %d tokens in one batch at %.0f tok/s%n", ids.length, prefill);
                    out.printf("           generation: %d tokens at %.1f tok/s, first token %d ms after the last prompt token%n",
                            st.generatedTokens(), st.decodeTokensPerSecond(), st.timeToFirstToken().toMillis());
                }
            }
        }
        out.println();
        out.println("To run a real model, get a GGUF of Codestral Mamba 7B (e.g. a Q4_K_M or Q8_0 file from the Hugging Face");
        out.println("hub, or convert Mistral's download with ./jmamba convert) and run:");
        out.println("  ./jmamba run -m codestral-mamba-7b-v0.1.Q4_K_M.gguf -p 'def quicksort(xs):' -n 200");
        out.println("  ./jmamba chat -m codestral-mamba-7b-v0.1.Q4_K_M.gguf");
        return 0;
    }

    private Path demoModel(PrintStream out) throws IOException {
        return randomModel(dir, out);
    }

    /** The small random-weight model, made once into {@code dir} (default ~/.cache/jmamba/demo). */
    static Path randomModel(Path dir, PrintStream out) throws IOException {
        Path base = dir != null ? dir
                : Path.of(System.getProperty("user.home"), ".cache", "jmamba", "demo");
        Files.createDirectories(base);
        Path file = base.resolve("random-mamba2-4x256-q8_0-v2.gguf");
        if (!Files.isRegularFile(file)) {
            out.println("making the demo model (once): " + file);
            RandomMamba2.write(file, new RandomMamba2.Spec(SHAPE, GgmlType.Q8_0, 1234));
        }
        return file;
    }
}
