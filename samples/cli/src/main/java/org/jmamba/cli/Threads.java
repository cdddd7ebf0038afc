package org.jmamba.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The -t option shared by the commands that compute. */
final class Threads {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    int threads = 0;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "worker threads (default: one per core)")
    void setThreads(int n) {
        if (n < 0) throw new ParameterException(command.commandLine(), "-t/--threads must be 0 (one per core) or more, got " + n);
        threads = n;
    }

    org.jmamba.Model.Options options() {
        return org.jmamba.Model.Options.defaults().withThreads(threads);
    }
}
