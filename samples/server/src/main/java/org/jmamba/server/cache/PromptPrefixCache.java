package org.jmamba.server.cache;

import org.jmamba.Session;

/**
 * Where the server keeps model states of prompts it has seen, to start a request from the longest
 * cached prefix of its prompt instead of from the zero state. Implementations are thread-safe.
 */
public interface PromptPrefixCache {

    /**
     * Puts into session the state of the longest cached prefix of tokens that is at most maxLength
     * long, and returns that prefix's length; 0 (session untouched) when nothing matches.
     */
    int restoreLongestPrefix(int[] tokens, int maxLength, Session session);

    /**
     * Offers the state session holds now, which is the state after tokens; called on the thread
     * that holds the session. The cache may keep a copy or ignore it.
     */
    void offer(int[] tokens, Session session);

    /** Lookups that found a prefix. */
    long hits();

    /** Lookups that found none. */
    long misses();

    /** Bytes of states held. */
    long bytes();

    /** No cache: every request starts from the zero state. */
    PromptPrefixCache NONE = new PromptPrefixCache() {
        @Override
        public int restoreLongestPrefix(int[] tokens, int maxLength, Session session) {
            return 0;
        }

        @Override
        public void offer(int[] tokens, Session session) {}

        @Override
        public long hits() {
            return 0;
        }

        @Override
        public long misses() {
            return 0;
        }

        @Override
        public long bytes() {
            return 0;
        }
    };
}
