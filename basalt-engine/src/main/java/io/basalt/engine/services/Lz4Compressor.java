package io.basalt.engine.services;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
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
final class Lz4Compressor implements BlockCompressor {
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
    public int compress(byte[] src, int srcOff, int blockLength, byte[] dst, int dstOff) {
        BlockCompressor.checkArguments(src, srcOff, blockLength, dst, dstOff);
        int bodyOff = dstOff + CompressedPayload.HEADER_LENGTH;
        int body = compressor.compress(src, srcOff, blockLength, dst, bodyOff, dst.length - bodyOff);
        if (CompressedPayload.paddedLength(body) > CompressedPayload.maxCompressedLength(blockLength)) {
            return RAW;
        }
        return CompressedPayload.seal(dst, dstOff, CompressionAlgorithm.LZ4, body);
    }

    @Override
    public void decompress(byte[] src, int srcOff, int payloadLength, byte[] dst, int dstOff, int blockLength)
            throws CorruptPayloadException {
        BlockCompressor.checkOutput(dst, dstOff, blockLength);
        int body = CompressedPayload.openBody(src, srcOff, payloadLength, CompressionAlgorithm.LZ4, blockLength);
        int n;
        try {
            n = decompressor.decompress(src, srcOff + CompressedPayload.HEADER_LENGTH, body, dst, dstOff, blockLength);
        } catch (LZ4Exception | IndexOutOfBoundsException e) {
            throw new CorruptPayloadException("LZ4 body does not decode", e);
        }
        if (n != blockLength) {
            throw new CorruptPayloadException("LZ4 body decodes to " + n + " bytes, block is " + blockLength);
        }
    }

    @Override
    public void close() {
        // Stateless codecs: nothing native to free.
    }
}
