package org.jmamba.cli;

import picocli.CommandLine.Option;

/** The -t option shared by the commands that compute. */
final class Threads {
    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "worker threads (default: one per core)")
    int threads = 0;

    org.jmamba.Model.Options options() {
        if (threads < 0) throw new picocli.CommandLine.ParameterException(null, "-t must be >= 0, got " + threads);
        return org.jmamba.Model.Options.defaults().withThreads(threads);
    }
}
