package org.jmamba.generate;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-generation token. */
    END_OF_GENERATION,
    /** The text reached one of the stop strings. */
    STOP_STRING,
    /** maxTokens tokens were generated. */
    MAX_TOKENS,
    /** {@link Generator#cancel()} was called. */
    CANCELLED,
}
