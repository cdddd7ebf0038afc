/**
 * Token sampling as llama.cpp's default chain does it: {@link org.jmamba.sampling.SamplerConfig}
 * holds the parameters, {@link org.jmamba.sampling.Sampler} turns a row of logits into a token.
 */
package org.jmamba.sampling;
