package io.basalt.engine.services;

/**
 * Layout of a compressed block in the log, and the rule for when compressing is worth it.
 *
 * <pre>
 *  0       1       2               4                       4+body        payload length
 * +-------+-------+---------------+-----------------------+-------------+
 * | codec | 0     | body length   | codec's compressed    | zero pad to |
 * | tag   |       | (u16, LE)     | body                  | 16 bytes    |
 * +-------+-------+---------------+-----------------------+-------------+
 * </pre>
 *
 * The log stores payload lengths in 16-byte units, so the exact body length has to live inside
 * the payload: LZ4 and Zstandard both reject trailing bytes. The original length is not stored;
 * the decoder is told the volume's block size and insists on exactly that many bytes out. The
 * codec tag lets a block written under one setting be read after the volume switches to another.
 * Raw blocks carry no header at all: whether a payload is compressed is the caller's flag (the
 * address's "compressed" bit), not something guessed from its bytes.
 */
public final class CompressedPayload {
    public static final int TAG_OFFSET = 0;
    public static final int RESERVED_OFFSET = 1;
    public static final int BODY_LENGTH_OFFSET = 2;
    public static final int HEADER_LENGTH = 4;
    /** Payloads are stored in units of this many bytes (also the AES block, so XTS needs no stealing). */
    public static final int UNIT = 16;
    /** Largest block the 16-bit body length can describe with room to spare. */
    public static final int MAX_BLOCK_LENGTH = 32 * 1024;

    private CompressedPayload() {
    }

    /**
     * Largest payload still worth storing compressed for a block of {@code blockLength} bytes:
     * it must save at least an eighth (512 of 4096, 64 of 512 bytes). Smaller savings cost a
     * decompression on every read of the block for less than 12.5% of its space.
     */
    public static int maxCompressedLength(int blockLength) {
        return blockLength - blockLength / 8;
    }

    /** Bytes of the body plus header, rounded up to the 16-byte unit. */
    public static int paddedLength(int bodyLength) {
        return (HEADER_LENGTH + bodyLength + UNIT - 1) & -UNIT;
    }

    static void checkBlockLength(int blockLength) {
        if (blockLength < UNIT || blockLength > MAX_BLOCK_LENGTH || blockLength % UNIT != 0) {
            throw new IllegalArgumentException("block length " + blockLength + " is not a multiple of 16 in 16.."
                    + MAX_BLOCK_LENGTH);
        }
    }

    /** Writes the header and zeroes the padding after a body of {@code bodyLength} bytes; returns the payload length. */
    static int seal(byte[] dst, int dstOff, CompressionAlgorithm codec, int bodyLength) {
        dst[dstOff + TAG_OFFSET] = (byte) codec.tag();
        dst[dstOff + RESERVED_OFFSET] = 0;
        dst[dstOff + BODY_LENGTH_OFFSET] = (byte) bodyLength;
        dst[dstOff + BODY_LENGTH_OFFSET + 1] = (byte) (bodyLength >>> 8);
        int length = paddedLength(bodyLength);
        for (int i = dstOff + HEADER_LENGTH + bodyLength; i < dstOff + length; i++) {
            dst[i] = 0;
        }
        return length;
    }

    /** The codec tag of a payload, or -1 if the payload is too short to have one. */
    public static int tag(byte[] src, int off, int payloadLength) {
        return payloadLength < HEADER_LENGTH || off < 0 || off + HEADER_LENGTH > src.length ? -1
                : src[off + TAG_OFFSET] & 0xFF;
    }

    /**
     * Validates the framing of a payload of {@code codec} and returns its body length. Catches
     * most garbage before the codec sees it: wrong tag, non-zero reserved or padding bytes, a
     * body length that does not pad to exactly the payload length, a payload no smaller than
     * the block.
     */
    static int openBody(byte[] src, int off, int payloadLength, CompressionAlgorithm codec, int blockLength)
            throws CorruptPayloadException {
        if (payloadLength < UNIT || payloadLength % UNIT != 0 || payloadLength > maxCompressedLength(blockLength)
                || off < 0 || off + payloadLength > src.length) {
            throw new CorruptPayloadException("compressed payload of " + payloadLength + " bytes for a block of "
                    + blockLength);
        }
        int tag = src[off + TAG_OFFSET] & 0xFF;
        if (tag != codec.tag() || src[off + RESERVED_OFFSET] != 0) {
            throw new CorruptPayloadException("payload header names codec " + tag + ", expected " + codec.tag());
        }
        int body = (src[off + BODY_LENGTH_OFFSET] & 0xFF) | (src[off + BODY_LENGTH_OFFSET + 1] & 0xFF) << 8;
        if (body == 0 || paddedLength(body) != payloadLength) {
            throw new CorruptPayloadException("body length " + body + " does not fit a payload of " + payloadLength);
        }
        for (int i = off + HEADER_LENGTH + body; i < off + payloadLength; i++) {
            if (src[i] != 0) {
                throw new CorruptPayloadException("non-zero padding in compressed payload");
            }
        }
        return body;
    }
}
