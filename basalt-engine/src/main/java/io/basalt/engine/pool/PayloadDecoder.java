package io.basalt.engine.pool;

import io.basalt.engine.log.BatchFormat;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.services.BlockDecompressor;
import io.basalt.engine.services.CorruptPayloadException;
import io.basalt.engine.services.DataKey;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The read side of the {@link PayloadPipeline}: checks a stored payload's CRC32C, decrypts it with
 * the volume's key, decompresses it, and writes the host block. One per reading thread (it holds
 * codec state, ciphers and scratch buffers), allocation-free per block once each key's cipher exists.
 */
final class PayloadDecoder implements AutoCloseable {
    private final CRC32C crc = new CRC32C();
    private final byte[] stored = new byte[PayloadPipeline.MAX_BLOCK];
    private final byte[] clear = new byte[PayloadPipeline.MAX_BLOCK];
    private final byte[] block = new byte[PayloadPipeline.MAX_BLOCK];
    private final BlockDecompressor decompressor = new BlockDecompressor();
    private final CipherCache ciphers = new CipherCache();

    /**
     * Checks the payload at {@code window[at, at + length(address))} against {@code expectedCrc}
     * and writes the host block of {@code v} to {@code dst}; false, writing nothing, if the
     * checksum fails or the payload does not decode (corrupt ciphertext or compressed data).
     *
     * @param seed the payload's checksum/cipher domain: {@code v.family()}, or
     *             {@link BatchFormat#EXTENT_SEED} for a dedup extent
     * @param unit the LBA, or the extent id for an extent
     */
    boolean decode(EngineBlockStore v, int seed, long unit, long address, int expectedCrc, ByteBuffer window, int at,
                   ByteBuf dst) {
        int len = PhysAddr.length(address);
        if (!PhysAddr.isCompressed(address) && v.key() == null) {
            if (len != v.blockSize() || BatchFormat.payloadCrc(window, at, len, seed, unit, crc) != expectedCrc) {
                return false;
            }
            dst.writeBytes(window.limit(at + len).position(at));
            return true;
        }
        byte[] plain = decode(v, seed, unit, address, expectedCrc, window, at);
        if (plain == null) {
            return false;
        }
        dst.writeBytes(plain, 0, v.blockSize());
        return true;
    }

    /**
     * Whether a block stored as it is (neither compressed nor encrypted) and already where the host
     * wants it, at {@code window[at, at + length)}, matches its stored CRC: all a read that landed in
     * the host's buffer still needs. Moves the window's position and limit.
     */
    boolean checks(int seed, long unit, int expectedCrc, ByteBuffer window, int at, int length) {
        return BatchFormat.payloadCrc(window, at, length, seed, unit, crc) == expectedCrc;
    }

    /**
     * As {@link #decode(EngineBlockStore, int, long, long, int, ByteBuffer, int, ByteBuf)}, into
     * this decoder's buffer: returns the array whose first {@code v.blockSize()} bytes are the
     * block (valid until the next call), or null.
     */
    byte[] decode(EngineBlockStore v, int seed, long unit, long address, int expectedCrc, ByteBuffer window, int at) {
        int len = PhysAddr.length(address);
        int bs = v.blockSize();
        if (BatchFormat.payloadCrc(window, at, len, seed, unit, crc) != expectedCrc) {
            return null;
        }
        boolean compressed = PhysAddr.isCompressed(address);
        DataKey key = v.key();
        if (!compressed && len != bs) {
            return null;
        }
        window.clear();
        window.get(at, stored, 0, len);
        byte[] plain = stored;
        if (key != null) {
            ciphers.of(key).decrypt(stored, 0, clear, 0, len, unit, seed);
            plain = clear;
        }
        if (compressed) {
            try {
                decompressor.decompress(plain, 0, len, block, 0, bs);
            } catch (CorruptPayloadException e) {
                return null;
            }
            plain = block;
        }
        return plain;
    }

    @Override
    public void close() {
        decompressor.close();
    }
}
