/**
 * Reading and writing GGUF files, the model format of ggml and llama.cpp.
 *
 * <p>{@link org.jmamba.gguf.GgufFile} maps a file once and checks all of it when opened (header,
 * metadata, tensor infos, where each tensor's data lies), so that any malformed or hostile file
 * fails there with a {@link org.jmamba.gguf.GgufFormatException} naming the file, the byte offset
 * and the field, and tensor data is then handed out as zero-copy slices of the mapping.
 * {@link org.jmamba.gguf.GgufWriter} writes version 3 files in one streaming pass and publishes
 * them with an atomic rename.
 *
 * <p>Format, little-endian throughout: magic {@code "GGUF"}; u32 version (2 and 3 are read, 3 is
 * written; they differ only in that 3 may be big-endian, which is refused); u64 tensor count; u64
 * key count; the key-value pairs (string key, u32 value type, value; a string is a u64 byte count
 * and UTF-8 without terminator; an array is a u32 element type, a u64 count and the elements);
 * the tensor infos (string name, u32 dimension count, that many u64 dimensions, u32 ggml type,
 * u64 data offset); padding to the alignment; the data section.
 *
 * <p>Where the format leaves a choice, this package follows ggml: keys are non-empty; tensor
 * names are at most 63 bytes; dimensions of 0 are allowed (an empty tensor); a file without
 * tensors need not be padded after its header. It is stricter than ggml in a few places: strings
 * must be valid UTF-8, bools 0 or 1, tensors need at least one dimension, and arrays may nest
 * (ggml reads no nested arrays) but at most {@link org.jmamba.gguf.GgufValue#MAX_ARRAY_DEPTH}
 * deep. It is looser in one: tensors must lie inside the file without overlapping, but need not
 * follow each other in file order as ggml requires (the writer always lays them out that way).
 */
package org.jmamba.gguf;
