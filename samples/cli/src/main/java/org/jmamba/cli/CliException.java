package org.jmamba.cli;

/** A mistake in what the user asked for, told in the user's words; printed without a stack trace. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
