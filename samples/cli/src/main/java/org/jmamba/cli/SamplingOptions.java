package org.jmamba.cli;

import org.jmamba.sampling.SamplerConfig;
import picocli.CommandLine.Option;

/** Sampling flags, named as llama.cpp names them. */
final class SamplingOptions {
    private static final SamplerConfig D = SamplerConfig.defaults();

    @Option(names = "--temp", paramLabel = "T", description = "temperature; 0 = greedy (default: ${DEFAULT-VALUE})")
    float temperature = D.temperature();

    @Option(names = "--top-k", paramLabel = "K", description = "keep the K most likely tokens; 0 = off (default: ${DEFAULT-VALUE})")
    int topK = D.topK();

    @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling; 1 = off (default: ${DEFAULT-VALUE})")
    float topP = D.topP();

    @Option(names = "--min-p", paramLabel = "P", description = "drop tokens below P times the top probability; 0 = off (default: ${DEFAULT-VALUE})")
    float minP = D.minP();

    @Option(names = "--repeat-penalty", paramLabel = "X", description = "penalise repeated tokens; 1 = off (default: ${DEFAULT-VALUE})")
    float repeatPenalty = D.repeatPenalty();

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "tokens the penalties look back at; -1 = all (default: ${DEFAULT-VALUE})")
    int repeatLastN = D.repeatLastN();

    @Option(names = "--frequency-penalty", paramLabel = "X", description = "(default: ${DEFAULT-VALUE})")
    float frequencyPenalty = D.frequencyPenalty();

    @Option(names = "--presence-penalty", paramLabel = "X", description = "(default: ${DEFAULT-VALUE})")
    float presencePenalty = D.presencePenalty();

    @Option(names = {"-s", "--seed"}, paramLabel = "S", description = "random seed; -1 = a random one, printed (default: -1)")
    long seed = -1;

    private Long drawn;

    /** The seed the sampler uses: the one given, or one drawn at random (the same on every call). */
    long effectiveSeed() {
        if (seed != -1) return seed;
        if (drawn == null) drawn = new java.security.SecureRandom().nextLong() >>> 1;
        return drawn;
    }

    /** True when the seed was drawn here, so the user may want it printed to reproduce the run. */
    boolean seedIsRandom() {
        return seed == -1 && temperature > 0;
    }

    SamplerConfig config() {
        try {
            return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty,
                    presencePenalty, effectiveSeed());
        } catch (IllegalArgumentException e) {
            throw new CliException(flagName(e.getMessage()));
        }
    }

    /** The library names its fields (topK = -1: ...); the user typed flags. */
    private static String flagName(String message) {
        String[][] names = {{"temperature", "--temp"}, {"topK", "--top-k"}, {"topP", "--top-p"}, {"minP", "--min-p"},
            {"repeatPenalty", "--repeat-penalty"}, {"repeatLastN", "--repeat-last-n"},
            {"frequencyPenalty", "--frequency-penalty"}, {"presencePenalty", "--presence-penalty"}};
        for (String[] n : names) {
            if (message.startsWith(n[0] + " = ")) return n[1] + " " + message.substring(n[0].length() + 3);
        }
        return message;
    }
}
