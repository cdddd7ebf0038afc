/**
 * Judging a model on text: perplexity over windows of tokens as llama.cpp's {@code llama-perplexity}
 * computes it, and the divergence of one model's next-token distributions from a base model's
 * (KL divergence, top-1 agreement) through saved log-probabilities.
 */
package org.jmamba.eval;
