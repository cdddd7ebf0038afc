package org.jmamba.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The jmamba command line. */
@Command(name = "jmamba", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run Mamba-2 language models (GGUF) locally.",
        subcommands = {
            InfoCommand.class, RunCommand.class, ChatCommand.class, EvalCommand.class,
            TokenizeCommand.class, DemoCommand.class, BenchCommand.class, QuantizeCommand.class, ConvertCommand.class,
            PerplexityCommand.class,
            RandomModelCommand.class, IngestCommand.class, DesktopCommands.Swing.class, DesktopCommands.Fx.class,
            CommandLine.HelpCommand.class,
            org.jmamba.server.ServeCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by the tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("jmamba " + cmd.getCommandName() + ": " + describe(ex));
            if (System.getenv("JMAMBA_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl;
    }

    private static String describe(Throwable ex) {
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) msg = ex.getClass().getSimpleName();
        if (ex instanceof java.nio.file.NoSuchFileException) msg = "no such file: " + msg;
        return msg;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jmamba 0.1.0"};
        }
    }
}
