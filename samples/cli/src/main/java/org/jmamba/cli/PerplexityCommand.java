package org.jmamba.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jmamba.Model;
import org.jmamba.eval.LogProbsFile;
import org.jmamba.eval.Perplexity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "perplexity", mixinStandardHelpOptions = true,
        description = {"Perplexity of a model on a text file, as llama.cpp's llama-perplexity: windows of CTX tokens,"
                + " each from the zero state, the second half of each scored. The last line is"
                + " 'Final estimate: PPL = X +/- Y'.",
                "With --kl-divergence-base (log-probabilities saved by --save-logits from an F16/F32 run of the same"
                + " text) it also reports the KL divergence from the base, its 99th percentile and top-1 agreement."})
final class PerplexityCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "TEXT", description = "UTF-8 text file")
    Path file;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "CTX",
            description = "tokens per window (default: 512, or the base file's when one is given)")
    Integer ctx;

    @Option(names = "--kl-divergence-base", paramLabel = "LOGITS", description = "log-probabilities of a base run to compare with")
    Path base;

    @Option(names = "--save-logits", paramLabel = "FILE", description = "save this run's log-probabilities (a base for later runs)")
    Path save;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws IOException {
        String text = readUtf8(file);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (LogProbsFile.Reader baseFile = base == null ? null : new LogProbsFile.Reader(base);
             Model m = Model.load(model, threads.options())) {
            int n = ctx != null ? ctx : baseFile != null ? baseFile.ctx : 512;
            int[] tokens = m.tokenizer().encode(text);
            int nChunk = tokens.length >= n && n > 0 ? tokens.length / n : 0;
            System.err.printf(Locale.ROOT, "perplexity: %s, %d tokens, %d windows of %d, scoring %d tokens each%n",
                    file, tokens.length, nChunk, n, n - 1 - n / 2);
            long t0 = System.nanoTime();
            Perplexity.Result r = Perplexity.run(m, tokens, n, baseFile, save, (c, total, ppl) -> {
                System.err.printf(Locale.ROOT, "[%d]%.4f,", c, ppl);
                if (c == 1) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.err.printf(Locale.ROOT, " (%.2f s per window, about %.1f s in all) ", s, s * total);
                }
                if (c == total) System.err.println();
            });
            double secs = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "model: %s, %d windows of %d tokens, %d scored, %.1f s (%.0f tokens/s)%n",
                    model, r.nChunk(), r.ctx(), r.nScored(), secs, r.nChunk() * (double) r.ctx() / secs);
            if (save != null) out.println("saved the log-probabilities to " + save);
            r.divergence().ifPresent(d -> {
                out.printf(Locale.ROOT, "PPL(base)             : %.4f%n", d.basePpl());
                out.printf(Locale.ROOT, "PPL(Q)/PPL(base)      : %.6f%n", d.pplRatio());
                out.printf(Locale.ROOT, "Mean KLD              : %.6f +/- %.6f%n", d.klMean(), d.klMeanError());
                out.printf(Locale.ROOT, "Median KLD            : %.6f%n", d.klMedian());
                out.printf(Locale.ROOT, "99.0%%   KLD           : %.6f%n", d.klP99());
                out.printf(Locale.ROOT, "Maximum KLD           : %.6f%n", d.klMax());
                out.printf(Locale.ROOT, "Same top p            : %.3f +/- %.3f %%%n", 100 * d.top1(), 100 * d.top1Error());
            });
            out.println(r.finalEstimate());
        }
        return 0;
    }

    /** The file as text: empty and non-UTF-8 files are refused with the offset of the first bad byte. */
    static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0) throw new IllegalArgumentException(file + " is empty");
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            CharBuffer chars = d.decode(in);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text: invalid byte 0x"
                    + String.format("%02X", bytes[in.position()] & 0xFF) + " at offset " + in.position());
        }
    }
}
