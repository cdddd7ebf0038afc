package org.jmamba.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.State;
import org.jmamba.StateFormatException;
import org.jmamba.tokenizer.EncodeOptions;
import org.jmamba.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Read files and folders into one prompt (each file introduced by a line 'File: PATH'), prefill it and save"
                + " the state, to start `run --state` or `chat --state` from it without reading the files again.",
                "Skips .git folders, what a folder's top-level .gitignore ignores, and binary files. Saves OUT.partial every"
                        + " --save-every tokens; --resume goes on from it after an interruption."})
final class IngestCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "files and folders to read")
    List<Path> paths;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.state", description = "the state file to write")
    Path out;

    @Option(names = "--include", paramLabel = "GLOB", description = "read only files matching a GLOB (repeatable; without '/': the file name)")
    List<String> include = List.of();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "skip files matching a GLOB (repeatable)")
    List<String> exclude = List.of();

    @Option(names = "--max-tokens", paramLabel = "N", description = "stop after N tokens (default: all)")
    int maxTokens = Integer.MAX_VALUE;

    @Option(names = "--save-every", paramLabel = "N", description = "tokens between saves of OUT.partial (default: ${DEFAULT-VALUE})")
    int saveEvery = 32768;

    @Option(names = "--resume", description = "go on from OUT.partial, left by an interrupted ingest of the same files with the same model")
    boolean resume;

    @Mixin
    Threads threads;

    /** Tokens per eval call: the progress bar moves and an interrupt is seen at this grain. */
    private static final int CHUNK = 2048;

    @Override
    public Integer call() throws IOException {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1, got " + maxTokens);
        if (saveEvery < 1) throw new IllegalArgumentException("--save-every must be >= 1, got " + saveEvery);
        if (Files.isDirectory(out)) throw new IllegalArgumentException(out + " is a folder, not a state file to write");
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        SourceFiles.Result found = new SourceFiles(include, exclude).collect(paths);
        if (found.files().isEmpty()) throw new IllegalArgumentException("no text files to read under " + paths);
        long start = System.nanoTime();
        try (Model m = Model.load(model, threads.options()); Session s = m.newSession()) {
            Tokenizer tok = m.tokenizer();
            int[] ids = tok.encode(SourceFiles.prompt(found.files()), EncodeOptions.PLAIN.withBos(tok.addBosDefault())); // as run encodes -p
            System.err.printf("ingest: %d files (%d binary and %d ignored skipped), %d tokens%n", found.files().size(),
                    found.skippedBinary(), found.skippedIgnored(), ids.length);
            if (ids.length > maxTokens) {
                System.err.printf("ingest: keeping the first %d tokens of %d (--max-tokens)%n", maxTokens, ids.length);
                ids = Arrays.copyOf(ids, maxTokens);
            }
            int done = resume ? resumeFrom(partial, m, s, ids) : 0;
            prefill(s, ids, done, partial);
            try (State st = s.snapshot()) {
                st.save(out);
            }
            Files.deleteIfExists(partial);
            double secs = (System.nanoTime() - start) / 1e9;
            System.err.printf("ingest: %d tokens (%d evaluated now) in %.1f s (%.1f tok/s); state %s written to %s (%s)%n",
                    ids.length, ids.length - done, secs, (ids.length - done) / secs, InfoCommand.human(m.stateBytes()), out,
                    InfoCommand.human(Files.size(out)));
        }
        return 0;
    }

    /** Restores the partial state; its tokens must begin the prompt built now. Returns the tokens it holds. */
    private int resumeFrom(Path partial, Model m, Session s, int[] ids) throws IOException {
        if (!Files.exists(partial)) {
            System.err.println("ingest: nothing to resume (" + partial + " does not exist): starting from the beginning");
            return 0;
        }
        try (State st = State.load(partial, m)) {
            int[] saved = st.tokens().orElseThrow(() -> new StateFormatException(partial, "holds no token ids to resume from"));
            if (saved.length > ids.length || !Arrays.equals(saved, 0, saved.length, ids, 0, saved.length)) {
                throw new IllegalArgumentException(partial + " was made from other files or options (its " + saved.length
                        + " tokens do not begin this prompt): run without --resume to start over");
            }
            s.restore(st);
            System.err.printf("ingest: resuming after %d of %d tokens%n", saved.length, ids.length);
            return saved.length;
        }
    }

    private void prefill(Session s, int[] ids, int from, Path partial) throws IOException {
        try (ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("prefill")
                .setInitialMax(ids.length)
                .setUnit(" tok", 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build()) {
            bar.stepTo(from);
            int sinceSave = 0;
            for (int i = from; i < ids.length; i += CHUNK) {
                int n = Math.min(CHUNK, ids.length - i);
                int[] part = Arrays.copyOfRange(ids, i, i + n);
                if (i + n < ids.length) s.feed(part);
                else s.eval(part); // the last piece computes the logits the state file keeps
                bar.stepTo(i + n);
                sinceSave += n;
                if (sinceSave >= saveEvery && i + n < ids.length) {
                    try (State st = s.snapshot()) {
                        st.save(partial);
                    }
                    sinceSave = 0;
                }
            }
        }
    }
}
