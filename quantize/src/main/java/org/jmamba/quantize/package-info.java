/**
 * Producing mamba2 GGUF files: {@link org.jmamba.quantize.Converter} turns a Mamba-2 checkpoint
 * folder (Mistral's or Hugging Face's safetensors layout) into a GGUF model as llama.cpp's converter
 * does, and {@link org.jmamba.quantize.Quantizer} quantizes a GGUF model with llama.cpp's file types
 * and per-tensor rules ({@link org.jmamba.quantize.QuantPolicy}).
 *
 * <p>Both stream: inputs are memory-mapped, each tensor is converted a bounded chunk of rows at a
 * time by the native kernels, and the output is written to a temporary file beside the target and
 * renamed onto it only when complete, so a failure (bad input, full disk) leaves no partial file.
 * Both write {@code general.file_type} (llama.cpp's {@code LLAMA_FTYPE} numbers),
 * {@code general.quantization_version = 2} and {@code jmamba.version}; the quantizer also sets
 * {@code general.quantized_by} to "jmamba VERSION" and copies every other key of its input.
 *
 * <p>Failures the input causes are {@link org.jmamba.quantize.QuantizeException}s (or the GGUF
 * reader's format exception) whose message names the file, tensor and rule involved.
 */
package org.jmamba.quantize;
