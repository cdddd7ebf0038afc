package org.jmamba.cli.repl;

/**
 * One of the REPL's {@code /commands}: its name without the slash, what its argument is ("" for
 * none), one line of help ("" keeps it out of /help), and what it does with the text after the
 * name (stripped, maybe empty). Commands reach the conversation through the REPL they are given
 * ({@link ChatRepl#chat()}, {@link ChatRepl#session()}) and tell the user through {@link ChatRepl#note}.
 */
public record SlashCommand(String name, String argument, String help, Action action) {

    /** Runs a command; returns false to end the REPL. An exception's message is shown as the command's failure. */
    @FunctionalInterface
    public interface Action {
        boolean run(String argument, ChatRepl repl) throws Exception;
    }

    /** For the help: "/name ARG". */
    String usage() {
        return "/" + name + (argument.isEmpty() ? "" : " " + argument);
    }
}
