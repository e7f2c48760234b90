package io.basalt.nvme;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Strings in the fixed-width fields of NVMe data structures (serial number, model, NQNs,
 * transport addresses). Writers pad with spaces; readers accept padding with spaces or NULs,
 * since controllers use either.
 */
public final class FixedText {
    private FixedText() {
    }

    /** Writes {@code value} as ASCII at {@code index}, left-justified and space-padded to {@code width}. */
    public static void writeSpacePadded(ByteBuf b, int index, int width, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < width; i++) {
            b.setByte(index + i, i < bytes.length ? bytes[i] : ' ');
        }
    }

    /**
     * Reads a field of {@code width} bytes: trailing spaces and NULs are dropped and the text ends
     * at the first NUL.
     */
    public static String read(ByteBuf b, int index, int width) {
        int end = width;
        while (end > 0) {
            int c = b.getUnsignedByte(index + end - 1);
            if (c != 0 && c != ' ') {
                break;
            }
            end--;
        }
        int nul = 0;
        while (nul < end && b.getByte(index + nul) != 0) {
            nul++;
        }
        return b.toString(index, nul, StandardCharsets.UTF_8);
    }
}
