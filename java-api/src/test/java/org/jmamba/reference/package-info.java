/**
 * The test oracle: an independent plain-Java reference for what the native code computes.
 *
 * <ul>
 *   <li>{@link org.jmamba.reference.JavaDequant}: ggml block formats (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1,
 *       Q8_0, Q2_K..Q6_K, and the Q8_1/Q8_K activation formats) to float (as ggml's dequantizers) or double;</li>
 *   <li>{@link org.jmamba.reference.ActivationRounding}: how llama.cpp rounds a matmul's input per weight type
 *       (fp16, bf16, Q8_0, Q8_1, Q8_K), with the x86, ARM and reference-C flavours of Q8_0/Q8_1;</li>
 *   <li>{@link org.jmamba.reference.ReferenceMamba2}: a double-precision, token-by-token Mamba-2 forward, from a
 *       GGUF file ({@link org.jmamba.reference.ReferenceWeightsLoader}) or from weights built in memory, with its
 *       conv and SSM states exposed; {@code ReferenceMamba2ConformanceTest} checks it against llama.cpp's logits.</li>
 * </ul>
 *
 * Typical use in a test of the native forward:
 * <pre>{@code
 * ReferenceMamba2 ref = ReferenceMamba2.load(model, ReferenceMamba2.Options.ROUNDED); // round as llama.cpp on x86
 * double[] want = ref.step(token);  // compare with the native logits; ref.ssmState(layer) with the native state
 * }</pre>
 */
package org.jmamba.reference;
