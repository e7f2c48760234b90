package io.basalt.engine.services;

/**
 * The read path's decoder: any compressed payload, whichever codec wrote it (the payload's tag
 * says which), so a volume can change its compression setting without rewriting its blocks.
 * Owned by one thread; codec state is created on first use of each codec and kept.
 */
public final class BlockDecompressor implements AutoCloseable {
    private Lz4Compressor lz4;
    private ZstdCompressor zstd;

    /**
     * Decodes a payload stored with the "compressed" flag into exactly {@code blockLength} bytes.
     *
     * @throws CorruptPayloadException if the payload is not a compressed block of that length
     */
    public void decompress(byte[] src, int srcOff, int payloadLength, byte[] dst, int dstOff, int blockLength)
            throws CorruptPayloadException {
        int tag = CompressedPayload.tag(src, srcOff, payloadLength);
        if (tag == CompressionAlgorithm.LZ4.tag()) {
            if (lz4 == null) {
                lz4 = new Lz4Compressor();
            }
            lz4.decompress(src, srcOff, payloadLength, dst, dstOff, blockLength);
        } else if (tag == CompressionAlgorithm.ZSTD.tag()) {
            if (zstd == null) {
                zstd = new ZstdCompressor(ZstdCompressor.DEFAULT_LEVEL);
            }
            zstd.decompress(src, srcOff, payloadLength, dst, dstOff, blockLength);
        } else {
            throw new CorruptPayloadException("unknown codec tag " + tag);
        }
    }

    @Override
    public void close() {
        if (lz4 != null) {
            lz4.close();
        }
        if (zstd != null) {
            zstd.close();
        }
    }
}
