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

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: a random one)")
    Long seed;

    SamplerConfig config() {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty,
                presencePenalty, seed != null ? seed : D.seed());
    }
}
