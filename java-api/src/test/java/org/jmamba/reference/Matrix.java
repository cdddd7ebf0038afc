package org.jmamba.reference;

import java.util.Objects;

/**
 * A weight matrix for the reference forward: {@code rows} x {@code cols}, row-major, dequantized to
 * double. A ggml tensor of shape {@code [cols, rows]} (dim 0 contiguous) maps onto it directly.
 *
 * <p>{@code type} is the type the weights were stored in (it decides how the input is rounded when the
 * forward emulates llama.cpp's activation quantization); {@code blockMins} is optional and only used for
 * Q4_1/Q5_1: the minimum {@code m} of each 32-value block (row-major, {@code cols/32} per row), which lets
 * {@link #mul} reproduce ggml's Q4_1/Q5_1 x Q8_1 dot product including its fp16 block sum.
 */
public record Matrix(QuantType type, int rows, int cols, double[] w, double[] blockMins) {

    public Matrix {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(w, "w");
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException("matrix " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, got " + w.length);
        }
        if (blockMins != null && blockMins.length * 32L != w.length) {
            throw new IllegalArgumentException("blockMins needs one value per 32 weights");
        }
    }

    /** A matrix whose weights are stored as {@code type} but given here already dequantized, without block minimums. */
    public static Matrix of(QuantType type, int rows, int cols, double[] w) {
        return new Matrix(type, rows, cols, w, null);
    }

    /** An F32 matrix. */
    public static Matrix f32(int rows, int cols, double[] w) {
        return new Matrix(QuantType.F32, rows, cols, w, null);
    }

    /** A copy of row {@code r}. */
    public double[] row(int r) {
        double[] out = new double[cols];
        System.arraycopy(w, r * cols, out, 0, cols);
        return out;
    }

    /**
     * {@code W x} in double. With {@code roundInputs}, {@code x} is first rounded as llama.cpp rounds the
     * input of a matmul with weights of this {@link #type}; for Q4_1/Q5_1 with block minimums the minimum's
     * contribution uses the Q8_1 block sum {@code s} as ggml does.
     */
    public double[] mul(double[] x, boolean roundInputs, ActivationRounding.Q8Variant variant) {
        if (x.length != cols) {
            throw new IllegalArgumentException("input length " + x.length + " != cols " + cols);
        }
        ActivationRounding.Scheme scheme = roundInputs ? ActivationRounding.schemeFor(type) : ActivationRounding.Scheme.NONE;
        double[] y = new double[rows];
        if (scheme == ActivationRounding.Scheme.Q8_1 && blockMins != null) {
            float[] f = new float[cols];
            for (int i = 0; i < cols; i++) f[i] = (float) x[i];
            ActivationRounding.Q8Blocks qx = ActivationRounding.quantizeQ8_1(f, variant);
            float[] xv = qx.values();
            int nb = cols / 32;
            for (int r = 0; r < rows; r++) {
                double acc = 0;
                for (int b = 0; b < nb; b++) {
                    double m = blockMins[r * nb + b];
                    double part = 0;
                    for (int j = b * 32; j < b * 32 + 32; j++) {
                        part += (w[r * cols + j] - m) * xv[j];
                    }
                    acc += part + m * qx.s()[b];
                }
                y[r] = acc;
            }
            return y;
        }
        double[] xr = ActivationRounding.round(scheme, x, variant);
        for (int r = 0; r < rows; r++) {
            double acc = 0;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                acc += w[base + c] * xr[c];
            }
            y[r] = acc;
        }
        return y;
    }
}
