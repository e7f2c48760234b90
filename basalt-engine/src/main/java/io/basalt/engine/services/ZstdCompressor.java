package io.basalt.engine.services;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;

/**
 * Zstandard (zstd-jni) with contexts kept across calls, so no native allocation per block.
 *
 * <p>Frames are written without magic number, checksum, dictionary id or content size: the
 * block length is known to the reader and the log already checks a CRC32C of every payload,
 * so those bytes would only push payloads over 16-byte boundaries. {@link #DEFAULT_LEVEL} 1 was
 * chosen from measurements on 4 KiB blocks (ServicesBench, docs/benchmarks.md): level 3 stored
 * JDK sources and /usr/bin binaries 3% smaller but compressed them 16-25% slower.
 */
final class ZstdCompressor implements BlockCompressor {
    static final int DEFAULT_LEVEL = BlockCompressor.DEFAULT_ZSTD_LEVEL;

    private final int level;
    private final ZstdCompressCtx compressor;
    private final ZstdDecompressCtx decompressor;

    ZstdCompressor(int level) {
        this.level = level;
        this.compressor = new ZstdCompressCtx().setLevel(level).setMagicless(true).setChecksum(false)
                .setContentSize(false).setDictID(false);
        this.decompressor = new ZstdDecompressCtx().setMagicless(true);
    }

    int level() {
        return level;
    }

    @Override
    public CompressionAlgorithm algorithm() {
        return CompressionAlgorithm.ZSTD;
    }

    @Override
    public int compress(byte[] src, int srcOff, int blockLength, byte[] dst, int dstOff) {
        BlockCompressor.checkArguments(src, srcOff, blockLength, dst, dstOff);
        int bodyOff = dstOff + CompressedPayload.HEADER_LENGTH;
        int body = compressor.compressByteArray(dst, bodyOff, dst.length - bodyOff, src, srcOff, blockLength);
        if (CompressedPayload.paddedLength(body) > CompressedPayload.maxCompressedLength(blockLength)) {
            return RAW;
        }
        return CompressedPayload.seal(dst, dstOff, CompressionAlgorithm.ZSTD, body);
    }

    @Override
    public void decompress(byte[] src, int srcOff, int payloadLength, byte[] dst, int dstOff, int blockLength)
            throws CorruptPayloadException {
        BlockCompressor.checkOutput(dst, dstOff, blockLength);
        int body = CompressedPayload.openBody(src, srcOff, payloadLength, CompressionAlgorithm.ZSTD, blockLength);
        int n;
        try {
            n = decompressor.decompressByteArray(dst, dstOff, blockLength, src, srcOff + CompressedPayload.HEADER_LENGTH,
                    body);
        } catch (ZstdException | IndexOutOfBoundsException e) {
            throw new CorruptPayloadException("Zstandard body does not decode", e);
        }
        if (n != blockLength) {
            throw new CorruptPayloadException("Zstandard body decodes to " + n + " bytes, block is " + blockLength);
        }
    }

    @Override
    public void close() {
        compressor.close();
        decompressor.close();
    }
}
