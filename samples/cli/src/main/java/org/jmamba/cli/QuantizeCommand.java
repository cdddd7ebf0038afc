package org.jmamba.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jmamba.quantize.FileType;
import org.jmamba.quantize.Progress;
import org.jmamba.quantize.QuantPolicy;
import org.jmamba.quantize.Quantizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Quantize a mamba2 GGUF model as llama.cpp's quantizer does.",
            "TYPE: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K (= Q3_K_M), Q4_K (= Q4_K_M), Q5_K (= Q5_K_M), Q6_K,"
                + " Q3_K_S, Q3_K_M, Q3_K_L, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M."})
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.gguf", description = "model to quantize")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT.gguf", description = "where to write the result (written whole, then renamed)")
    Path output;

    @Parameters(index = "2", paramLabel = "TYPE", description = "target type")
    String type;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "worker threads (default: one per core)")
    int threads = 0;

    @Option(names = "--allow-requantize", description = "accept an input that is already quantized (it is dequantized first; quality suffers)")
    boolean allowRequantize;

    @Option(names = "--pure", description = "give every converted tensor TYPE: no Q6_K output matrix")
    boolean pure;

    @Option(names = "--tensor-type", paramLabel = "PATTERN=TYPE",
            description = "give the tensors whose name the regular expression PATTERN finds the ggml type TYPE (repeatable; last match wins)")
    List<String> tensorTypes = new ArrayList<>();

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        FileType ft = FileType.byName(type).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown type '" + type + "'; one of " + FileType.names()));
        if (threads < 0) throw new ParameterException(spec.commandLine(), "-t must be >= 0, got " + threads);
        List<QuantPolicy.TensorType> overrides = new ArrayList<>();
        for (String s : tensorTypes) {
            try {
                overrides.add(QuantPolicy.TensorType.parse(s));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        Quantizer.Options o = new Quantizer.Options(ft, threads, allowRequantize, pure, overrides);
        Progress progress = noProgress ? Progress.NONE : new ProgressBarReporter();
        Quantizer.Result r = Quantizer.quantize(input, output, o, progress);
        spec.commandLine().getErr().print(r.describe());
        spec.commandLine().getErr().flush();
        return 0;
    }
}
