package io.basalt.engine.services;

/**
 * What every real codec does around its library call: the payload header, the "stored raw unless
 * it saves enough" rule on compress, and on decompress the header check and the exact block length.
 * Subclasses supply only the two library calls.
 */
abstract class FramedCompressor implements BlockCompressor {
    /** The library's compress: body bytes written at {@code dstOff}, at most {@code capacity}. */
    abstract int compressBody(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int capacity);

    /**
     * The library's decompress: bytes written, or throws a library exception, which is reported as
     * a {@link CorruptPayloadException}.
     */
    abstract int decompressBody(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int blockLength);

    @Override
    public final int compress(byte[] src, int srcOff, int blockLength, byte[] dst, int dstOff) {
        BlockCompressor.checkArguments(src, srcOff, blockLength, dst, dstOff);
        int bodyOff = dstOff + CompressedPayload.HEADER_LENGTH;
        int body = compressBody(src, srcOff, blockLength, dst, bodyOff, dst.length - bodyOff);
        if (CompressedPayload.paddedLength(body) > CompressedPayload.maxCompressedLength(blockLength)) {
            return RAW;
        }
        return CompressedPayload.seal(dst, dstOff, algorithm(), body);
    }

    @Override
    public final void decompress(byte[] src, int srcOff, int payloadLength, byte[] dst, int dstOff, int blockLength)
            throws CorruptPayloadException {
        BlockCompressor.checkOutput(dst, dstOff, blockLength);
        int body = CompressedPayload.openBody(src, srcOff, payloadLength, algorithm(), blockLength);
        int n;
        try {
            n = decompressBody(src, srcOff + CompressedPayload.HEADER_LENGTH, body, dst, dstOff, blockLength);
        } catch (RuntimeException e) {
            throw new CorruptPayloadException(algorithm() + " body does not decode", e);
        }
        if (n != blockLength) {
            throw new CorruptPayloadException(algorithm() + " body decodes to " + n + " bytes, block is " + blockLength);
        }
    }
}
