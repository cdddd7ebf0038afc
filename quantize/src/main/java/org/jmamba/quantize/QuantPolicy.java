package org.jmamba.quantize;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jmamba.gguf.GgmlType;

/**
 * Which type each tensor gets, by the rules llama.cpp's quantizer applies to a Mamba-2 model.
 *
 * <ul>
 *   <li>Only tensors whose name ends in {@code weight}, with at least two dimensions (counted as
 *       ggml counts them: trailing dimensions of 1 do not count), that are no norm
 *       ({@code _norm.weight}) and no {@code ssm_conv1d.weight}, are converted; every other tensor
 *       is copied as it is (so norms, conv weights, {@code ssm_a}, {@code ssm_d} and biases stay F32).
 *   <li>Unless {@code pure} is set, for a block-quantized target the output matrix
 *       ({@code output.weight}, or {@code token_embd.weight} when the model has no output matrix)
 *       becomes Q6_K, or Q8_0 when the target is Q8_0 or when its rows are not a whole number of
 *       the target's blocks. Float targets (F32, F16, BF16) convert every such tensor to that type.
 *   <li>{@code --tensor-type PATTERN=TYPE} overrides apply to the converted tensors whose name the
 *       regular expression finds (the last match wins).
 *   <li>A tensor whose rows do not fit the chosen type's block falls back as llama.cpp falls back:
 *       Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to Q8_0, Q2_K and Q3_K to Q4_0 (llama.cpp uses IQ4_NL, of the
 *       same size, which our kernels do not produce), and to F16 when that does not fit either.
 * </ul>
 *
 * <p>Where llama.cpp leaves the fallback out under {@code --pure} or for an explicit override (and
 * then fails on the tensor), this policy still applies it, and says so.
 */
public final class QuantPolicy {

    /** The types this tool can write. */
    public static final Set<GgmlType> WRITABLE = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

    /** One {@code --tensor-type PATTERN=TYPE}. */
    public record TensorType(Pattern pattern, GgmlType type) {
        public TensorType {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(type, "type");
            if (!WRITABLE.contains(type)) {
                throw new IllegalArgumentException("type " + type + " cannot be written; one of " + WRITABLE);
            }
        }

        /** Parses {@code PATTERN=TYPE}, TYPE a ggml type name such as q8_0 or Q6_K. */
        public static TensorType parse(String spec) {
            int eq = spec.lastIndexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("--tensor-type '" + spec + "' is not PATTERN=TYPE");
            }
            String typeName = spec.substring(eq + 1).strip();
            GgmlType type = GgmlType.byName(typeName).orElseThrow(() -> new IllegalArgumentException(
                    "--tensor-type '" + spec + "': unknown type '" + typeName + "'"));
            try {
                return new TensorType(Pattern.compile(spec.substring(0, eq).strip()), type);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--tensor-type '" + spec + "': bad pattern: " + e.getDescription());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--tensor-type '" + spec + "': " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return pattern.pattern() + "=" + type;
        }
    }

    /**
     * The decision for one tensor: the type it gets, whether its data is converted (false: copied as
     * it is), and a note when a rule other than the default chose the type (null otherwise).
     */
    public record Decision(GgmlType type, boolean convert, String note, boolean fallback) {}

    private static final List<String> NEVER = List.of(
            "_norm.weight", "ssm_conv1d.weight", "shortconv.conv.weight", "ffn_gate_inp.weight",
            "attn_rel_b.weight", ".position_embd.");

    private final FileType fileType;
    private final boolean pure;
    private final List<TensorType> overrides;

    public QuantPolicy(FileType fileType, boolean pure, List<TensorType> overrides) {
        this.fileType = Objects.requireNonNull(fileType, "fileType");
        this.pure = pure;
        this.overrides = List.copyOf(overrides);
    }

    public FileType fileType() {
        return fileType;
    }

    /** Dimensions as ggml counts them: trailing dimensions of 1 do not count; at least 1. */
    public static int nDims(long[] shape) {
        for (int i = shape.length - 1; i >= 1; i--) {
            if (shape[i] > 1) return i + 1;
        }
        return 1;
    }

    /** Whether llama.cpp's quantizer converts a tensor of this name and shape at all. */
    public static boolean isQuantizable(String name, long[] shape) {
        if (!name.endsWith("weight") || nDims(shape) < 2) return false;
        for (String s : NEVER) {
            if (name.contains(s)) return false;
        }
        return true;
    }

    /**
     * The decision for tensor {@code name} of {@code shape} (ggml order) and type {@code current},
     * in a model that has an {@code output.weight} ({@code hasOutput}) or shares its embedding.
     */
    public Decision decide(String name, long[] shape, GgmlType current, boolean hasOutput) {
        if (!isQuantizable(name, shape)) {
            return new Decision(current, false, null, false);
        }
        GgmlType type = fileType.defaultType();
        String note = null;
        long rowLen = shape[0];
        boolean isOutput = name.equals("output.weight") || (!hasOutput && name.equals("token_embd.weight"));
        if (!pure && type.isQuantized() && isOutput) {
            if (rowLen % type.blockSize() != 0) {
                type = GgmlType.Q8_0;
            } else if (type != GgmlType.Q8_0) {
                type = GgmlType.Q6_K;
            }
            note = "output matrix";
        }
        for (TensorType o : overrides) {
            if (o.pattern().matcher(name).find()) {
                type = o.type();
                note = "--tensor-type " + o;
            }
        }
        boolean fallback = false;
        if (rowLen % type.blockSize() != 0) {
            GgmlType fb = switch (type) {
                case Q2_K, Q3_K -> GgmlType.Q4_0;
                case Q4_K -> GgmlType.Q5_0;
                case Q5_K -> GgmlType.Q5_1;
                case Q6_K -> GgmlType.Q8_0;
                default -> GgmlType.F16;
            };
            if (rowLen % fb.blockSize() != 0) fb = GgmlType.F16;
            note = (note == null ? "" : note + "; ") + String.format(Locale.ROOT,
                    "rows of %d do not fit %s's blocks of %d: fallback %s", rowLen, type, type.blockSize(), fb);
            type = fb;
            fallback = true;
        }
        return new Decision(type, type != current, note, fallback);
    }
}
