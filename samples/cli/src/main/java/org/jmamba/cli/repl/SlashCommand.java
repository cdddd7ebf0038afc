package org.jmamba.cli.repl;

/**
 * One of the REPL's {@code /commands}: its name without the slash, what its argument is ("" for
 * none), one line of help, and what it does with the text after the name (stripped, maybe empty).
 */
public record SlashCommand(String name, String argument, String help, Action action) {

    /** Runs a command; returns false to end the REPL. */
    @FunctionalInterface
    public interface Action {
        boolean run(String argument);
    }

    /** For the help: "/name ARG". */
    String usage() {
        return "/" + name + (argument.isEmpty() ? "" : " " + argument);
    }
}
