package io.basalt.engine.services;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block format (lz4-java's native library when it loads, else its fastest pure-Java code).
 *
 * <p>Compression uses the factory's fast compressor (LZ4 level 1, stateless). lz4-java also
 * offers a "fast reset" compressor that keeps its LZ4 state between calls; on 4 KiB blocks it
 * measured no faster here (ServicesBench), so the stateless one, with nothing to close, is used.
 * Decompression uses the safe decompressor, which bounds every read and write by the given
 * lengths: a crafted or corrupted payload yields an exception, never an out-of-bounds access.
 * lz4-java before 1.8.1 (org.lz4) had out-of-bounds bugs here (CVE-2025-12183), hence the
 * at.yawk.lz4 continuation.
 */
final class Lz4Compressor extends FramedCompressor {
    private final LZ4Compressor compressor;
    private final LZ4SafeDecompressor decompressor;

    Lz4Compressor() {
        LZ4Factory factory = LZ4Factory.fastestInstance();
        this.compressor = factory.fastCompressor();
        this.decompressor = factory.safeDecompressor();
    }

    @Override
    public CompressionAlgorithm algorithm() {
        return CompressionAlgorithm.LZ4;
    }

    @Override
    int compressBody(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int capacity) {
        return compressor.compress(src, srcOff, length, dst, dstOff, capacity);
    }

    @Override
    int decompressBody(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int blockLength) {
        return decompressor.decompress(src, srcOff, length, dst, dstOff, blockLength);
    }

    @Override
    public void close() {
        // Stateless codecs: nothing native to free.
    }
}
