package io.basalt.engine.services;

/** {@code compression=off}: every block is stored raw. */
final class NoCompressor implements BlockCompressor {
    @Override
    public CompressionAlgorithm algorithm() {
        return CompressionAlgorithm.OFF;
    }

    @Override
    public int compress(byte[] src, int srcOff, int blockLength, byte[] dst, int dstOff) {
        return RAW;
    }

    @Override
    public void decompress(byte[] src, int srcOff, int payloadLength, byte[] dst, int dstOff, int blockLength)
            throws CorruptPayloadException {
        throw new CorruptPayloadException("no compressed payload is written with compression off");
    }

    @Override
    public void close() {
    }
}
