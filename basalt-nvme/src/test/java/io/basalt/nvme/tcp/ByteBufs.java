package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;

/** Helpers to compare encoded bytes with hand-written expectations. */
final class ByteBufs {
    private ByteBufs() {
    }

    /** The readable bytes as unsigned ints, so expectations can be written as 0xFF. */
    static int[] bytes(ByteBuf b) {
        return bytes(b, b.readerIndex(), b.readableBytes());
    }

    static int[] bytes(ByteBuf b, int index, int length) {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = b.getUnsignedByte(index + i);
        }
        return out;
    }

    static byte[] of(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** A zeroed byte array of the given length with the values placed from {@code at}. */
    static byte[] at(int length, int at, int... values) {
        byte[] out = new byte[length];
        for (int i = 0; i < values.length; i++) {
            out[at + i] = (byte) values[i];
        }
        return out;
    }
}
