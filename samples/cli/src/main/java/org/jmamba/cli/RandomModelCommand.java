package org.jmamba.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jmamba.gguf.GgmlType;
import org.jmamba.testkit.RandomMamba2;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "random-model", mixinStandardHelpOptions = true,
        description = "Write a random-weight mamba2 GGUF of any shape, for tests and benchmarks (mixes such as Q4_K_M: write F16, then ./jmamba quantize).")
final class RandomModelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OUT.gguf", description = "the file to write")
    Path out;

    @Option(names = "--layers", description = "(default: ${DEFAULT-VALUE})")
    int layers = 24;

    @Option(names = "--d-model", description = "(default: ${DEFAULT-VALUE})")
    int dModel = 768;

    @Option(names = "--d-state", description = "N (default: ${DEFAULT-VALUE})")
    int dState = 128;

    @Option(names = "--head-dim", description = "P (default: ${DEFAULT-VALUE})")
    int headDim = 64;

    @Option(names = "--groups", description = "G (default: ${DEFAULT-VALUE})")
    int groups = 1;

    @Option(names = "--vocab", description = "(default: ${DEFAULT-VALUE})")
    int vocab = 32768;

    @Option(names = "--type", description = "type of the matrices (default: ${DEFAULT-VALUE})")
    String type = "Q8_0";

    @Option(names = "--output-type", description = "type of output.weight (default: the --type)")
    String outputType;

    @Option(names = "--tied", description = "no output.weight: the embedding doubles as output")
    boolean tied;

    @Option(names = "--seed", description = "(default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws IOException {
        GgmlType t = parse(type);
        GgmlType o = outputType == null ? t : parse(outputType);
        RandomMamba2.Shape shape = RandomMamba2.Shape.of(vocab, dModel, layers, dState, headDim, groups, tied);
        long start = System.nanoTime();
        RandomMamba2.write(out, new RandomMamba2.Spec(shape, t, o, seed), threads.threads, bytes -> {});
        System.err.printf("wrote %s: %s in %.1f s%n", out, shape, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static GgmlType parse(String name) {
        return GgmlType.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown type " + name));
    }
}
