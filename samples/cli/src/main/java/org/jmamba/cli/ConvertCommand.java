package org.jmamba.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jmamba.quantize.Converter;
import org.jmamba.quantize.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a Mamba-2 checkpoint folder to a mamba2 GGUF model.",
            "Mistral format: params.json, consolidated.safetensors, tokenizer.model.v3 or tokenizer.model.",
            "Hugging Face format: config.json, model.safetensors (or shards with model.safetensors.index.json),"
                + " tokenizer.model or tokenizer.json."})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "checkpoint folder")
    Path dir;

    @Parameters(index = "1", paramLabel = "OUT.gguf", description = "where to write the model (written whole, then renamed)")
    Path output;

    @Option(names = "--outtype", paramLabel = "TYPE", description = "type of the weight matrices: f32, f16, bf16 or q8_0 (default: f16)")
    String outType = "f16";

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "worker threads (default: one per core)")
    int threads = 0;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        Converter.OutType t;
        try {
            t = Converter.OutType.parse(outType);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (threads < 0) throw new ParameterException(spec.commandLine(), "-t must be >= 0, got " + threads);
        Progress progress = noProgress ? Progress.NONE : new ProgressBarReporter();
        Converter.Result r = Converter.convert(dir, output, t, threads, progress);
        spec.commandLine().getErr().print(r.describe());
        spec.commandLine().getErr().flush();
        return 0;
    }
}
