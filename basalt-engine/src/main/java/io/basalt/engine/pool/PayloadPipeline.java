package io.basalt.engine.pool;

import io.basalt.engine.dedup.Dedup;
import io.basalt.engine.log.BatchFormat;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.services.BlockCompressor;
import io.basalt.engine.services.CompressionAlgorithm;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static io.basalt.engine.log.BatchFormat.EXTENT_SEED;
import static io.basalt.engine.log.BatchFormat.TYPE_REF;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE_EXTENT;

/**
 * Turns a host block into the payload the log stores, and a stored payload back into the host
 * block — the one place data is transformed. Write: for dedup volumes fingerprint and look up
 * (a duplicate becomes a REF record, no payload) → compress (stored raw when it does not save
 * an eighth) → encrypt the whole payload with AES-256-XTS under the volume's key, tweak
 * {@code (lba, family)}, or {@code (extent id, EXTENT_SEED)} for an extent → CRC32C over what is
 * stored, seeded the same way. Reads go through a
 * {@link PayloadDecoder} (this one's for the engine thread; a reader thread makes its own).
 *
 * <p>Engine-thread confined: codec state, ciphers and scratch buffers are reused; nothing is
 * allocated per block (a key's cipher is built on its first block).
 */
final class PayloadPipeline implements AutoCloseable {
    /** Largest volume block. */
    static final int MAX_BLOCK = 4096;

    private final CRC32C crc = new CRC32C();
    private final byte[] block = new byte[MAX_BLOCK];
    private final byte[] compressed = new byte[BlockCompressor.outputCapacity(MAX_BLOCK)];
    private final byte[] sealed = new byte[MAX_BLOCK];
    private final BlockCompressor lz4 = BlockCompressor.create(CompressionAlgorithm.LZ4, 0);
    private final BlockCompressor zstd = BlockCompressor.create(CompressionAlgorithm.ZSTD,
            BlockCompressor.DEFAULT_ZSTD_LEVEL);
    private final CipherCache ciphers = new CipherCache();
    private final PayloadDecoder decoder = new PayloadDecoder();
    private final Dedup dedup;
    /** Flags and length of the last {@link #encode}d payload. */
    private int flags;
    private int length;

    PayloadPipeline(Dedup dedup) {
        this.dedup = dedup;
    }

    /** Appends the host block at {@code src[index]} to the batch as a WRITE entry: transformed, checksummed. */
    void append(LogStream batch, EngineBlockStore v, long lba, ByteBuf src, int index) {
        int seed = v.family();
        int e;
        if (v.options().dedup()) {
            appendDeduplicated(batch, v, lba, src, index);
            return;
        }
        if (!transforms(v)) {
            length = v.blockSize();
            flags = 0;
            e = batch.append(TYPE_WRITE, v.id(), lba, 0, 0, src, index, length);
        } else {
            src.getBytes(index, block, 0, v.blockSize());
            byte[] payload = encode(v, seed, lba);
            e = batch.append(TYPE_WRITE, v.id(), lba, 0, 0, payload, 0, length);
        }
        batch.setFlagsAndSeed(e, flags, seed);
        batch.setCrc(e, BatchFormat.payloadCrc(batch.payload(), batch.payloadIndex(e), length, seed, lba, crc));
    }

    /**
     * A dedup volume's block: a REF to the extent holding the same block (the reference is taken
     * now, so nothing in this batch can free the extent before the REF applies), or a new extent
     * with the block as its payload. Extent payloads are seeded by the extent id, not the LBA.
     */
    private void appendDeduplicated(LogStream batch, EngineBlockStore v, long lba, ByteBuf src, int index) {
        int bs = v.blockSize();
        src.getBytes(index, block, 0, bs);
        long id = dedup.lookup(domain(v), v.key(), block, bs);
        if (id != 0) {
            dedup.ref(id);
            int e = batch.append(TYPE_REF, v.id(), lba, 0, id, (ByteBuf) null, 0, 0);
            batch.setFlagsAndSeed(e, 0, v.family());
            return;
        }
        id = dedup.create(domain(v), v.id());
        byte[] payload = encode(v, EXTENT_SEED, id);
        int e = batch.append(TYPE_WRITE_EXTENT, v.id(), lba, 0, id, payload, 0, length);
        batch.setFlagsAndSeed(e, flags, v.family());
        batch.setCrc(e, BatchFormat.payloadCrc(batch.payload(), batch.payloadIndex(e), length, EXTENT_SEED, id, crc));
    }

    /** The dedup domain of {@code v}'s blocks: blocks match only within one. */
    static int domain(EngineBlockStore v) {
        return Dedup.domain(v.options().encrypted(), v.family());
    }

    private static boolean transforms(EngineBlockStore v) {
        return v.options().compression() != CompressionAlgorithm.OFF || v.options().encrypted();
    }

    /**
     * Compresses and encrypts the block in {@link #block}; returns the buffer holding the payload
     * at 0 ({@link #length} bytes, {@link #flags}), valid until the next call.
     */
    private byte[] encode(EngineBlockStore v, int seed, long unit) {
        int bs = v.blockSize();
        byte[] payload = block;
        length = bs;
        flags = 0;
        CompressionAlgorithm algorithm = v.options().compression();
        if (algorithm != CompressionAlgorithm.OFF) {
            int n = (algorithm == CompressionAlgorithm.LZ4 ? lz4 : zstd).compress(block, 0, bs, compressed, 0);
            if (n != BlockCompressor.RAW) {
                payload = compressed;
                length = n;
                flags = PhysAddr.COMPRESSED;
            }
        }
        if (v.key() != null) {
            ciphers.of(v.key()).encrypt(payload, 0, sealed, 0, length, unit, seed);
            payload = sealed;
        }
        return payload;
    }

    PayloadDecoder decoder() {
        return decoder;
    }

    /** The engine thread's decoder: see {@link PayloadDecoder#decode}. */
    boolean decode(EngineBlockStore v, int seed, long unit, long address, int expectedCrc, ByteBuffer window, int at,
                   ByteBuf dst) {
        return decoder.decode(v, seed, unit, address, expectedCrc, window, at, dst);
    }

    @Override
    public void close() {
        lz4.close();
        zstd.close();
        decoder.close();
    }
}
