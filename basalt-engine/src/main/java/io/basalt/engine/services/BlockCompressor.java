package io.basalt.engine.services;

/**
 * Compresses one volume block into a {@link CompressedPayload}, or says it is not worth it.
 *
 * <p>Owned by one thread (the engine's): implementations keep native codec state and are not
 * thread-safe. Nothing is allocated per call; the caller owns every buffer. Blocks are 512 or
 * 4096 bytes in practice (any multiple of 16 up to {@link CompressedPayload#MAX_BLOCK_LENGTH}).
 *
 * <p>Contract for the write path: {@code n = compress(block, 0, bs, scratch, 0)}; if
 * {@code n == RAW} store the block itself (length {@code bs}, address flag "raw"), else store
 * {@code scratch[0, n)} (a multiple of 16, at most {@link CompressedPayload#maxCompressedLength})
 * flagged "compressed". The read path calls {@link #decompress} with that payload and the
 * volume's block size — or {@link BlockDecompressor}, which picks the codec from the payload.
 */
public interface BlockCompressor extends AutoCloseable {
    /** {@link #compress} result: the block does not shrink enough; store it as it is. */
    int RAW = 0;
    /** Zstandard level for {@code compression=zstd} unless configured (see {@link ZstdCompressor} for why 1). */
    int DEFAULT_ZSTD_LEVEL = 1;

    CompressionAlgorithm algorithm();

    /**
     * Compresses {@code src[srcOff, srcOff + blockLength)} into {@code dst} at {@code dstOff}.
     *
     * @param dst must have {@link #outputCapacity(int) outputCapacity(blockLength)} bytes from
     *            {@code dstOff}: codecs work to their worst-case bound so an incompressible block
     *            costs no exception; its contents are unspecified when the result is {@link #RAW}
     * @return the payload length (a multiple of 16, at most
     *         {@link CompressedPayload#maxCompressedLength(int)}) or {@link #RAW}
     */
    int compress(byte[] src, int srcOff, int blockLength, byte[] dst, int dstOff);

    /**
     * Decodes a payload written by this codec back into exactly {@code blockLength} bytes at
     * {@code dst[dstOff]}.
     *
     * @throws CorruptPayloadException if the payload is not one this codec wrote for a block of
     *         that length; {@code dst[dstOff, dstOff + blockLength)} may then hold anything
     */
    void decompress(byte[] src, int srcOff, int payloadLength, byte[] dst, int dstOff, int blockLength)
            throws CorruptPayloadException;

    /** Frees native codec state. */
    @Override
    void close();

    /** Scratch bytes {@link #compress} needs for a block of {@code blockLength}: above both codecs' worst case. */
    static int outputCapacity(int blockLength) {
        return (CompressedPayload.HEADER_LENGTH + blockLength + blockLength / 128 + 128 + 15) & -16;
    }

    /** A compressor for a volume's setting; {@code zstdLevel} is used only by {@link CompressionAlgorithm#ZSTD}. */
    static BlockCompressor create(CompressionAlgorithm algorithm, int zstdLevel) {
        return switch (algorithm) {
            case OFF -> new NoCompressor();
            case LZ4 -> new Lz4Compressor();
            case ZSTD -> new ZstdCompressor(zstdLevel);
        };
    }

    static void checkArguments(byte[] src, int srcOff, int blockLength, byte[] dst, int dstOff) {
        CompressedPayload.checkBlockLength(blockLength);
        if (srcOff < 0 || srcOff + blockLength > src.length || dstOff < 0
                || dstOff + outputCapacity(blockLength) > dst.length) {
            throw new IndexOutOfBoundsException("block or scratch buffer too small");
        }
    }

    static void checkOutput(byte[] dst, int dstOff, int blockLength) {
        CompressedPayload.checkBlockLength(blockLength);
        if (dstOff < 0 || dstOff + blockLength > dst.length) {
            throw new IndexOutOfBoundsException("output buffer too small");
        }
    }
}
