package io.basalt.engine.services;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;

/**
 * Zstandard (zstd-jni) with contexts kept across calls, so no native allocation per block.
 *
 * <p>Frames are written without magic number, checksum, dictionary id or content size: the
 * block length is known to the reader and the log already checks a CRC32C of every payload,
 * so those bytes would only push payloads over 16-byte boundaries. {@link #DEFAULT_LEVEL} 1 was
 * chosen from measurements on 4 KiB blocks (ServicesBench, docs/benchmarks.md): level 3 stored
 * JDK sources and /usr/bin binaries 3% smaller but compressed them 16-25% slower.
 */
final class ZstdCompressor extends FramedCompressor {
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
    int compressBody(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int capacity) {
        return compressor.compressByteArray(dst, dstOff, capacity, src, srcOff, length);
    }

    @Override
    int decompressBody(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int blockLength) {
        return decompressor.decompressByteArray(dst, dstOff, blockLength, src, srcOff, length);
    }

    @Override
    public void close() {
        compressor.close();
        decompressor.close();
    }
}
