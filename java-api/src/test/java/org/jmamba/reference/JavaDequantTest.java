package org.jmamba.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hand-built blocks for every type. Two kinds of checks: single values worked out by hand from the block
 * layout, and whole blocks packed by the packing rules of ggml's reference quantizers (written here as
 * the inverse of the layout, independently of the decoder) from random quant levels and scales.
 */
class JavaDequantTest {

    // ------------------------------------------------------------ helpers

    private static final short F16_ONE = 0x3C00, F16_HALF = 0x3800, F16_QUARTER = 0x3400, F16_EIGHTH = 0x3000;
    private static final short F16_MINUS_ONE = (short) 0xBC00, F16_TWO = 0x4000;

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static float h(short bits) {
        return Float.float16ToFloat(bits);
    }

    // ------------------------------------------------------------ scalars

    @Test
    void f32IsReadLittleEndian() {
        ByteBuffer b = le(8).putFloat(1.5f).putFloat(-0.25f);
        assertArrayEquals(new float[] {1.5f, -0.25f}, JavaDequant.toFloat(QuantType.F32, b.array(), 0, 2));
    }

    @Test
    void f16DecodesNormalsSubnormalsAndSpecials() {
        // 0x3C00 = 1.0; 0xC000 = -2.0; 0x0001 = 2^-24 (smallest subnormal); 0x7BFF = 65504; 0x7C00 = +inf
        ByteBuffer b = le(10).putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x0001)
                .putShort((short) 0x7BFF).putShort((short) 0x7C00);
        float[] v = JavaDequant.toFloat(QuantType.F16, b.array(), 0, 5);
        assertArrayEquals(new float[] {1f, -2f, (float) Math.scalb(1.0, -24), 65504f, Float.POSITIVE_INFINITY}, v);
    }

    @Test
    void bf16DecodesTopHalfOfFloat() {
        // 0x3F80 = 1.0, 0xC0A0 = -5.0, 0x4049 = 3.140625
        ByteBuffer b = le(6).putShort((short) 0x3F80).putShort((short) 0xC0A0).putShort((short) 0x4049);
        assertArrayEquals(new float[] {1f, -5f, 3.140625f}, JavaDequant.toFloat(QuantType.BF16, b.array(), 0, 3));
    }

    @Test
    void bf16RoundingIsNearestEvenAndNanStaysNan() {
        // 1 + 2^-8 lies exactly between bf16 1.0 and 1.0078125: ties to even -> 1.0 (0x3F80)
        assertEquals((short) 0x3F80, JavaDequant.floatToBf16(1.00390625f));
        // 1.0078125 + 2^-8 = 1.01171875 is a tie between 0x3F81 and 0x3F82: even -> 0x3F82
        assertEquals((short) 0x3F82, JavaDequant.floatToBf16(1.01171875f));
        // just above the tie rounds up
        assertEquals((short) 0x3F81, JavaDequant.floatToBf16(Math.nextUp(1.00390625f)));
        assertTrue(Float.isNaN(JavaDequant.roundToBf16(Float.NaN)));
        assertEquals(Float.POSITIVE_INFINITY, JavaDequant.roundToBf16(Float.POSITIVE_INFINITY));
    }

    @Test
    void fp16RoundingIsNearestEven() {
        // fp16 spacing at 1 is 2^-10: 1 + 2^-11 is a tie -> 1.0; 1 + 3*2^-11 is a tie -> 1 + 2^-9 (even mantissa 2)
        assertEquals(1f, JavaDequant.roundToFp16(1f + (float) Math.scalb(1.0, -11)));
        assertEquals(1f + (float) Math.scalb(1.0, -9), JavaDequant.roundToFp16(1f + 3 * (float) Math.scalb(1.0, -11)));
    }

    // ------------------------------------------------------------ legacy quants, by hand

    @Test
    void q4_0ByHand() {
        // d = 0.5; qs[0] = 0x1F: value 0 = (0xF - 8) * 0.5 = 3.5, value 16 = (0x1 - 8) * 0.5 = -3.5;
        // qs[j] = 0x88 elsewhere: (8 - 8) * 0.5 = 0
        ByteBuffer b = le(18).putShort(F16_HALF);
        b.put((byte) 0x1F);
        for (int j = 1; j < 16; j++) b.put((byte) 0x88);
        float[] v = JavaDequant.toFloat(QuantType.Q4_0, b.array(), 0, 32);
        assertEquals(3.5f, v[0]);
        assertEquals(-3.5f, v[16]);
        for (int i = 0; i < 32; i++) if (i != 0 && i != 16) assertEquals(0f, v[i], "value " + i);
    }

    @Test
    void q4_1ByHand() {
        // d = 0.25, m = -1; qs[3] = 0xA2: value 3 = 2 * 0.25 - 1 = -0.5, value 19 = 10 * 0.25 - 1 = 1.5
        ByteBuffer b = le(20).putShort(F16_QUARTER).putShort(F16_MINUS_ONE);
        for (int j = 0; j < 16; j++) b.put(j == 3 ? (byte) 0xA2 : 0);
        float[] v = JavaDequant.toFloat(QuantType.Q4_1, b.array(), 0, 32);
        assertEquals(-0.5f, v[3]);
        assertEquals(1.5f, v[19]);
        assertEquals(-1f, v[0]);
        assertArrayEquals(new double[] {-1.0}, JavaDequant.blockMins(QuantType.Q4_1,
                java.lang.foreign.MemorySegment.ofArray(b.array()), 0, 32));
    }

    @Test
    void q5_0ByHand() {
        // d = 1; qh = bits 0 and 17 set; qs[0] = 0x00, qs[1] = 0x3F, rest 0x00
        // value 0  = (0x0 | 16) - 16 = 0      value 16 = (0x0 | 0) - 16 = -16
        // value 1  = (0xF | 0)  - 16 = -1     value 17 = (0x3 | 16) - 16 = 3
        ByteBuffer b = le(22).putShort(F16_ONE).putInt(0x00020001);
        b.put((byte) 0x00).put((byte) 0x3F);
        float[] v = JavaDequant.toFloat(QuantType.Q5_0, b.array(), 0, 32);
        assertEquals(0f, v[0]);
        assertEquals(-16f, v[16]);
        assertEquals(-1f, v[1]);
        assertEquals(3f, v[17]);
        assertEquals(-16f, v[31]);
    }

    @Test
    void q5_1ByHand() {
        // d = 0.5, m = 2; qh bit 31 set; qs[15] = 0x70: value 31 = (7 | 16) * 0.5 + 2 = 13.5, value 15 = 0 * 0.5 + 2 = 2
        ByteBuffer b = le(24).putShort(F16_HALF).putShort(F16_TWO).putInt(0x80000000);
        for (int j = 0; j < 16; j++) b.put(j == 15 ? (byte) 0x70 : 0);
        float[] v = JavaDequant.toFloat(QuantType.Q5_1, b.array(), 0, 32);
        assertEquals(13.5f, v[31]);
        assertEquals(2f, v[15]);
    }

    @Test
    void q8_0ByHandAcrossTwoBlocks() {
        // block 0: d = 0.125, qs[5] = -100 -> -12.5; block 1: d = 2, qs[31] = 127 -> 254
        ByteBuffer b = le(68).putShort(F16_EIGHTH);
        for (int j = 0; j < 32; j++) b.put(j == 5 ? (byte) -100 : 0);
        b.putShort(F16_TWO);
        for (int j = 0; j < 32; j++) b.put(j == 31 ? (byte) 127 : 0);
        float[] v = JavaDequant.toFloat(QuantType.Q8_0, b.array(), 0, 64);
        assertEquals(-12.5f, v[5]);
        assertEquals(254f, v[63]);
        assertEquals(0f, v[32]);
    }

    // ------------------------------------------------------------ k-quants, by hand

    @Test
    void q2_KByHand() {
        // d = 1, dmin = 0.5. Value 83 is in sub-block 5 (83/16); scales[5] = 0x32: scale 2, min 3 -> dl = 2, ml = 1.5.
        // 83 is in the first half, 83 = 32*2 + 19: 2-bit field at shift 4 of qs[19]; qs[19] = 0x30 -> q = 3.
        // value 83 = 2*3 - 1.5 = 4.5. Value 19 (shift 0 of qs[19], sub-block 1, scales[1] = 0) = 0.
        byte[] blk = new byte[84];
        blk[5] = 0x32;
        blk[16 + 19] = 0x30;
        // second half: value 200 = 128 + 32*2 + 8: shift 4 of qs[32 + 8]; sub-block 12, scales[12] = 0x01 (scale 1, min 0)
        blk[12] = 0x01;
        blk[16 + 40] = 0x20; // q = 2 -> value 200 = 2
        ByteBuffer.wrap(blk).order(ByteOrder.LITTLE_ENDIAN).putShort(80, F16_ONE).putShort(82, F16_HALF);
        float[] v = JavaDequant.toFloat(QuantType.Q2_K, blk, 0, 256);
        assertEquals(4.5f, v[83]);
        assertEquals(-1.5f, v[80]); // same sub-block, q = 0: -ml
        assertEquals(0f, v[19]);
        assertEquals(2f, v[200]);
    }

    @Test
    void q3_KByHand() {
        // d = 0.5. Scale 9 (values 144..159): low nibble = high nibble of byte 9 % 8 = 1, high 2 bits = bits 4..5
        // (2 * (9 / 4)) of byte 8 + 9 % 4 = 9. Want scale 9 = 5 -> stored 37 = 0b10_0101: nibble 5, high 2.
        // So scales[1] = 0x50, scales[9] = 2 << 4 = 0x20.  Value 150 = 128 + 22: shift 0 of qs[32 + 22], hmask bit
        // 150 / 32 = 4 of hmask[150 % 32 = 22]. qs = 3, hmask bit set -> q = 3 -> 0.5 * 5 * 3 = 7.5.
        // Value 151 (qs[32 + 23] = 0, hmask bit clear) -> q = 0 - 4 = -4 -> 0.5 * 5 * -4 = -10.
        // Every other scale is stored 0 -> -32: value 0 (q = 0 - 4) = 0.5 * -32 * -4 = 64.
        byte[] blk = new byte[110];
        blk[96 + 1] = 0x50;
        blk[96 + 9] = 0x20;
        blk[32 + 32 + 22] = 0x03;
        blk[22] = 0x10;
        ByteBuffer.wrap(blk).order(ByteOrder.LITTLE_ENDIAN).putShort(108, F16_HALF);
        float[] v = JavaDequant.toFloat(QuantType.Q3_K, blk, 0, 256);
        assertEquals(7.5f, v[150]);
        assertEquals(-10f, v[151]);
        assertEquals(64f, v[0]);
    }

    @Test
    void q4_KByHand() {
        // d = 1, dmin = 0.25. Sub-block 1 (values 32..63) uses scales pair 1: scale = scales[1] & 63, min = scales[5] & 63,
        // and the HIGH nibbles of qs[0..32). Sub-block 6 (values 192..223): pair 6 = low nibble / high nibble of
        // scales[10] with high bits from the top 2 bits of scales[2] (scale) and scales[6] (min).
        byte[] blk = new byte[144];
        ByteBuffer bb = ByteBuffer.wrap(blk).order(ByteOrder.LITTLE_ENDIAN);
        bb.putShort(0, F16_ONE).putShort(2, F16_QUARTER);
        blk[4 + 1] = 3;           // scale 3
        blk[4 + 5] = 4;           // min 4 -> 4 * 0.25 = 1
        blk[16 + 7] = (byte) 0x90; // qs[7] high nibble 9 -> value 39 = 3 * 9 - 1 = 26
        // pair 6: scale = 0b01_0010 = 18, min = 0b10_0001 = 33
        blk[4 + 10] = 0x12;       // low nibble 2 (scale), high nibble 1 (min)
        blk[4 + 2] = (byte) 0x40; // top bits 01 -> scale high 2 bits = 1
        blk[4 + 6] = (byte) 0x80; // top bits 10 -> min high 2 bits = 2
        blk[16 + 96 + 5] = 0x0F;  // value 197 = low nibble of qs[96 + 5] = 15 -> 18 * 15 - 33 * 0.25 = 261.75
        float[] v = JavaDequant.toFloat(QuantType.Q4_K, blk, 0, 256);
        assertEquals(26f, v[39]);
        assertEquals(-1f, v[32]);
        assertEquals(261.75f, v[197]);
        assertEquals(-8.25f, v[192]);
    }

    @Test
    void q5_KByHand() {
        // As Q4_K, plus qh[32] at offset 16; the 5th bit of value v is bit v / 32 of qh[v % 32].
        // d = 0.5, dmin = 1; pair 3 (values 96..127): scale = scales[3] = 2, min = scales[7] = 1
        // value 100 = low... sub-block 3 is odd -> HIGH nibble of qs[32 + 4]; qs = 0x50 -> 5; qh[4] bit 3 set -> 21
        // value 100 = 0.5 * 2 * 21 - 1 = 20
        byte[] blk = new byte[176];
        ByteBuffer.wrap(blk).order(ByteOrder.LITTLE_ENDIAN).putShort(0, F16_HALF).putShort(2, F16_ONE);
        blk[4 + 3] = 2;
        blk[4 + 7] = 1;
        blk[16 + 4] = 0x08;
        blk[48 + 32 + 4] = 0x50;
        float[] v = JavaDequant.toFloat(QuantType.Q5_K, blk, 0, 256);
        assertEquals(20f, v[100]);
        assertEquals(-1f, v[96]);
        assertEquals(0f, v[0]); // pair 0 all zero
    }

    @Test
    void q6_KByHand() {
        // d = 0.25; value 200 = 128 + 64 + 8: half 1, s = 2 -> low 4 bits = HIGH nibble of ql[64 + 8], high 2 bits =
        // bits 4..5 of qh[32 + 8]; scale = scales[200 / 16 = 12].
        // ql[72] = 0xA0 -> 10, qh[40] = 0x30 -> 3: q = (10 | 48) - 32 = 26; scales[12] = -3 -> 0.25 * -3 * 26 = -19.5
        // value 72 = 64 + 8: half 0, s = 2 -> high nibble of ql[8] (0) and bits 4..5 of qh[8] (0): q = -32;
        // scales[4] = 1 -> 0.25 * 1 * -32 = -8
        byte[] blk = new byte[210];
        blk[72] = (byte) 0xA0;
        blk[128 + 40] = 0x30;
        blk[192 + 12] = -3;
        blk[192 + 4] = 1;
        ByteBuffer.wrap(blk).order(ByteOrder.LITTLE_ENDIAN).putShort(208, F16_QUARTER);
        float[] v = JavaDequant.toFloat(QuantType.Q6_K, blk, 0, 256);
        assertEquals(-19.5f, v[200]);
        assertEquals(-8f, v[72]);
    }

    // ------------------------------------------------------------ whole blocks from ggml's packing rules

    private static short randomScaleBits(Random r) {
        // a normal fp16 in [2^-8, 2^-3) with random mantissa, random sign when allowed
        return (short) (((7 + r.nextInt(5)) << 10) | r.nextInt(1024));
    }

    @Test
    void legacyBlocksMatchPackedLevels() {
        Random r = new Random(1);
        for (int trial = 0; trial < 50; trial++) {
            int[] L = new int[32];
            short dBits = randomScaleBits(r), mBits = (short) (randomScaleBits(r) | 0x8000);
            float d = h(dBits), m = h(mBits);
            // Q4_0 / Q4_1: qs[j] = L[j] | L[j+16] << 4
            for (int i = 0; i < 32; i++) L[i] = r.nextInt(16);
            ByteBuffer q40 = le(18).putShort(dBits);
            ByteBuffer q41 = le(20).putShort(dBits).putShort(mBits);
            for (int j = 0; j < 16; j++) {
                q40.put((byte) (L[j] | (L[j + 16] << 4)));
                q41.put((byte) (L[j] | (L[j + 16] << 4)));
            }
            float[] v40 = JavaDequant.toFloat(QuantType.Q4_0, q40.array(), 0, 32);
            float[] v41 = JavaDequant.toFloat(QuantType.Q4_1, q41.array(), 0, 32);
            for (int i = 0; i < 32; i++) {
                assertEquals((L[i] - 8) * d, v40[i]);
                assertEquals(L[i] * d + m, v41[i]);
            }
            // Q5_0 / Q5_1: low nibbles as above, 5th bit of element j in bit j of qh
            for (int i = 0; i < 32; i++) L[i] = r.nextInt(32);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                qh |= ((L[j] & 0x10) >> 4) << j;
                qh |= ((L[j + 16] & 0x10) >> 4) << (j + 16);
            }
            ByteBuffer q50 = le(22).putShort(dBits).putInt(qh);
            ByteBuffer q51 = le(24).putShort(dBits).putShort(mBits).putInt(qh);
            for (int j = 0; j < 16; j++) {
                q50.put((byte) ((L[j] & 0xF) | ((L[j + 16] & 0xF) << 4)));
                q51.put((byte) ((L[j] & 0xF) | ((L[j + 16] & 0xF) << 4)));
            }
            float[] v50 = JavaDequant.toFloat(QuantType.Q5_0, q50.array(), 0, 32);
            float[] v51 = JavaDequant.toFloat(QuantType.Q5_1, q51.array(), 0, 32);
            for (int i = 0; i < 32; i++) {
                assertEquals((L[i] - 16) * d, v50[i]);
                assertEquals(L[i] * d + m, v51[i]);
            }
        }
    }

    /** ggml's Q2_K/Q3_K packing of 2-bit levels: qs[j/4 + l] holds L[j+l], L[j+l+32], L[j+l+64], L[j+l+96] (j = 0, 128). */
    private static void pack2bit(int[] L2, byte[] dst, int at) {
        for (int j = 0; j < 256; j += 128) {
            for (int l = 0; l < 32; l++) {
                dst[at + j / 4 + l] = (byte) (L2[j + l] | (L2[j + l + 32] << 2) | (L2[j + l + 64] << 4) | (L2[j + l + 96] << 6));
            }
        }
    }

    @Test
    void q2_KBlocksMatchPackedLevels() {
        Random r = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            byte[] blk = new byte[84];
            int[] L = new int[256], sc = new int[16], mn = new int[16];
            for (int i = 0; i < 256; i++) L[i] = r.nextInt(4);
            for (int k = 0; k < 16; k++) {
                sc[k] = r.nextInt(16);
                mn[k] = r.nextInt(16);
                blk[k] = (byte) (sc[k] | (mn[k] << 4));
            }
            pack2bit(L, blk, 16);
            short dBits = randomScaleBits(r), dminBits = randomScaleBits(r);
            ByteBuffer.wrap(blk).order(ByteOrder.LITTLE_ENDIAN).putShort(80, dBits).putShort(82, dminBits);
            double[] v = JavaDequant.toDouble(QuantType.Q2_K, blk, 0, 256);
            for (int i = 0; i < 256; i++) {
                double want = (double) h(dBits) * sc[i / 16] * L[i] - (double) h(dminBits) * mn[i / 16];
                assertEquals(want, v[i], "value " + i);
            }
        }
    }

    @Test
    void q3_KBlocksMatchPackedLevels() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            byte[] blk = new byte[110];
            int[] L = new int[256], sc = new int[16];
            for (int i = 0; i < 256; i++) L[i] = r.nextInt(8); // q + 4
            // scales as ggml's quantize_row_q3_K_ref packs them (l = scale + 32 in 0..63)
            for (int j = 0; j < 16; j++) {
                sc[j] = r.nextInt(64) - 32;
                int l = sc[j] + 32;
                if (j < 8) blk[96 + j] = (byte) (l & 0xF);
                else blk[96 + j - 8] |= (byte) ((l & 0xF) << 4);
                l >>= 4;
                blk[96 + 8 + j % 4] |= (byte) (l << (2 * (j / 4)));
            }
            // high bits: walking j = 0..255 with m cycling over 32 bytes and hm shifting after each cycle
            int[] low = new int[256];
            int m = 0, hm = 1;
            for (int j = 0; j < 256; j++) {
                low[j] = L[j];
                if (L[j] > 3) {
                    blk[m] |= (byte) hm;
                    low[j] -= 4;
                }
                if (++m == 32) {
                    m = 0;
                    hm <<= 1;
                }
            }
            pack2bit(low, blk, 32);
            short dBits = randomScaleBits(r);
            ByteBuffer.wrap(blk).order(ByteOrder.LITTLE_ENDIAN).putShort(108, dBits);
            double[] v = JavaDequant.toDouble(QuantType.Q3_K, blk, 0, 256);
            for (int i = 0; i < 256; i++) {
                assertEquals((double) h(dBits) * sc[i / 16] * (L[i] - 4), v[i], "value " + i);
            }
        }
    }

    /** ggml's Q4_K/Q5_K packing of eight 6-bit (scale, min) pairs into 12 bytes. */
    private static void packScalesK4(int[] ls, int[] lm, byte[] dst, int at) {
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                dst[at + j] = (byte) ls[j];
                dst[at + j + 4] = (byte) lm[j];
            } else {
                dst[at + j + 4] = (byte) ((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
                dst[at + j - 4] |= (byte) ((ls[j] >> 4) << 6);
                dst[at + j] |= (byte) ((lm[j] >> 4) << 6);
            }
        }
    }

    @Test
    void q4_KAndQ5_KBlocksMatchPackedLevels() {
        Random r = new Random(4);
        for (int trial = 0; trial < 20; trial++) {
            int[] ls = new int[8], lm = new int[8];
            for (int j = 0; j < 8; j++) {
                ls[j] = r.nextInt(64);
                lm[j] = r.nextInt(64);
            }
            short dBits = randomScaleBits(r), dminBits = randomScaleBits(r);
            // Q4_K: q[l] = L[j+l] | L[j+l+32] << 4 for chunks of 64
            int[] L = new int[256];
            for (int i = 0; i < 256; i++) L[i] = r.nextInt(16);
            byte[] b4 = new byte[144];
            ByteBuffer.wrap(b4).order(ByteOrder.LITTLE_ENDIAN).putShort(0, dBits).putShort(2, dminBits);
            packScalesK4(ls, lm, b4, 4);
            for (int j = 0; j < 256; j += 64) {
                for (int l = 0; l < 32; l++) b4[16 + j / 2 + l] = (byte) (L[j + l] | (L[j + l + 32] << 4));
            }
            double[] v4 = JavaDequant.toDouble(QuantType.Q4_K, b4, 0, 256);
            for (int i = 0; i < 256; i++) {
                double want = (double) h(dBits) * ls[i / 32] * L[i] - (double) h(dminBits) * lm[i / 32];
                assertEquals(want, v4[i], "Q4_K value " + i);
            }
            // Q5_K: the 5th bit goes to qh[j] with masks m1 = 1, m2 = 2 shifted left by 2 every 64 values
            for (int i = 0; i < 256; i++) L[i] = r.nextInt(32);
            byte[] b5 = new byte[176];
            ByteBuffer.wrap(b5).order(ByteOrder.LITTLE_ENDIAN).putShort(0, dBits).putShort(2, dminBits);
            packScalesK4(ls, lm, b5, 4);
            int m1 = 1, m2 = 2, ql = 48;
            for (int n = 0; n < 256; n += 64) {
                for (int j = 0; j < 32; j++) {
                    int l1 = L[n + j], l2 = L[n + j + 32];
                    if (l1 > 15) {
                        l1 -= 16;
                        b5[16 + j] |= (byte) m1;
                    }
                    if (l2 > 15) {
                        l2 -= 16;
                        b5[16 + j] |= (byte) m2;
                    }
                    b5[ql + j] = (byte) (l1 | (l2 << 4));
                }
                m1 <<= 2;
                m2 <<= 2;
                ql += 32;
            }
            double[] v5 = JavaDequant.toDouble(QuantType.Q5_K, b5, 0, 256);
            for (int i = 0; i < 256; i++) {
                double want = (double) h(dBits) * ls[i / 32] * L[i] - (double) h(dminBits) * lm[i / 32];
                assertEquals(want, v5[i], "Q5_K value " + i);
            }
        }
    }

    @Test
    void q6_KBlocksMatchPackedLevels() {
        Random r = new Random(6);
        for (int trial = 0; trial < 20; trial++) {
            int[] L = new int[256];
            for (int i = 0; i < 256; i++) L[i] = r.nextInt(64); // q + 32
            byte[] blk = new byte[210];
            int[] sc = new int[16];
            for (int k = 0; k < 16; k++) {
                sc[k] = r.nextInt(256) - 128;
                blk[192 + k] = (byte) sc[k];
            }
            int ql = 0, qh = 128;
            for (int j = 0; j < 256; j += 128) {
                for (int l = 0; l < 32; l++) {
                    int q1 = L[j + l] & 0xF, q2 = L[j + l + 32] & 0xF, q3 = L[j + l + 64] & 0xF, q4 = L[j + l + 96] & 0xF;
                    blk[ql + l] = (byte) (q1 | (q3 << 4));
                    blk[ql + l + 32] = (byte) (q2 | (q4 << 4));
                    blk[qh + l] = (byte) ((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4)
                            | ((L[j + l + 96] >> 4) << 6));
                }
                ql += 64;
                qh += 32;
            }
            short dBits = randomScaleBits(r);
            ByteBuffer.wrap(blk).order(ByteOrder.LITTLE_ENDIAN).putShort(208, dBits);
            float[] vf = JavaDequant.toFloat(QuantType.Q6_K, blk, 0, 256);
            double[] vd = JavaDequant.toDouble(QuantType.Q6_K, blk, 0, 256);
            for (int i = 0; i < 256; i++) {
                assertEquals((double) h(dBits) * sc[i / 16] * (L[i] - 32), vd[i], "value " + i);
                // float result in ggml's order: (d * scale) * q, rounded once to float
                assertEquals(h(dBits) * sc[i / 16] * (L[i] - 32), vf[i], "float value " + i);
            }
        }
    }

    // ------------------------------------------------------------ sizes and bounds

    @Test
    void blockGeometryMatchesGgml() {
        assertEquals(18, QuantType.Q4_0.bytesPerBlock);
        assertEquals(20, QuantType.Q4_1.bytesPerBlock);
        assertEquals(22, QuantType.Q5_0.bytesPerBlock);
        assertEquals(24, QuantType.Q5_1.bytesPerBlock);
        assertEquals(34, QuantType.Q8_0.bytesPerBlock);
        assertEquals(36, QuantType.Q8_1.bytesPerBlock);
        assertEquals(84, QuantType.Q2_K.bytesPerBlock);
        assertEquals(110, QuantType.Q3_K.bytesPerBlock);
        assertEquals(144, QuantType.Q4_K.bytesPerBlock);
        assertEquals(176, QuantType.Q5_K.bytesPerBlock);
        assertEquals(210, QuantType.Q6_K.bytesPerBlock);
        assertEquals(292, QuantType.Q8_K.bytesPerBlock);
        assertEquals(QuantType.BF16, QuantType.fromId(30));
        assertEquals(QuantType.Q6_K, QuantType.fromId(14));
        assertThrows(IllegalArgumentException.class, () -> QuantType.fromId(16)); // IQ2_XXS: not handled
    }

    @Test
    void rejectsPartialBlocksAndShortInput() {
        assertThrows(IllegalArgumentException.class, () -> JavaDequant.toFloat(QuantType.Q8_0, new byte[34], 0, 31));
        assertThrows(IndexOutOfBoundsException.class, () -> JavaDequant.toFloat(QuantType.Q8_0, new byte[34], 1, 32));
    }
}
