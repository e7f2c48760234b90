package io.basalt.engine.services;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write path compress → encrypt → CRC32C and the read path CRC32C → decrypt → decompress,
 * for every codec, block size and kind of content, as the engine will chain them: one owner of
 * each stage, buffers reused across blocks.
 */
class ServicesPipelinePropertyTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DataKey KEY = DataKey.generate(RANDOM);
    private static final DataKey OTHER_KEY = DataKey.generate(RANDOM);

    /** One engine thread's worth of stages. */
    private static final class Pipeline {
        final BlockCompressor[] compressors = {
                BlockCompressor.create(CompressionAlgorithm.OFF, 0),
                BlockCompressor.create(CompressionAlgorithm.LZ4, 0),
                BlockCompressor.create(CompressionAlgorithm.ZSTD, 1)};
        final BlockDecompressor decompressor = new BlockDecompressor();
        final AesXts xts = KEY.newCipher(4096);
        final AesXts wrongXts = OTHER_KEY.newCipher(4096);
        final CRC32C crc = new CRC32C();
        final byte[] scratch = new byte[BlockCompressor.outputCapacity(4096)];
        final byte[] stored = new byte[4096];
        final byte[] decrypted = new byte[4096];
        final byte[] out = new byte[4096];
        int storedLength;
        boolean compressed;
        int storedCrc;

        void write(CompressionAlgorithm algorithm, byte[] block, int bs, long lba, long volume) {
            int n = compressors[algorithm.ordinal()].compress(block, 0, bs, scratch, 0);
            compressed = n != BlockCompressor.RAW;
            byte[] payload = compressed ? scratch : block;
            storedLength = compressed ? n : bs;
            xts.encrypt(payload, 0, stored, 0, storedLength, lba, volume);
            storedCrc = crc(stored, storedLength);
        }

        /** Returns the block, or null when the read path detected a problem. */
        byte[] read(AesXts cipher, int bs, long lba, long volume) {
            if (crc(stored, storedLength) != storedCrc) {
                return null;
            }
            cipher.decrypt(stored, 0, decrypted, 0, storedLength, lba, volume);
            if (!compressed) {
                return Arrays.copyOf(decrypted, bs);
            }
            try {
                decompressor.decompress(decrypted, 0, storedLength, out, 0, bs);
            } catch (CorruptPayloadException e) {
                return null;
            }
            return Arrays.copyOf(out, bs);
        }

        int crc(byte[] b, int length) {
            crc.reset();
            crc.update(b, 0, length);
            return (int) crc.getValue();
        }
    }

    private static final Pipeline PIPELINE = new Pipeline();

    @Property(tries = 300)
    void shouldReturnEveryBlockItWrote(@ForAll CompressionAlgorithm algorithm, @ForAll BlockKind kind,
                                       @ForAll("blockSizes") int bs, @ForAll long seed, @ForAll long lba,
                                       @ForAll @IntRange(max = 1000) int volume) {
        byte[] block = kind.fill(seed, bs);
        PIPELINE.write(algorithm, block, bs, lba, volume);
        assertThat(PIPELINE.storedLength % 16).isZero();
        if (PIPELINE.compressed) {
            assertThat(PIPELINE.storedLength).isLessThanOrEqualTo(CompressedPayload.maxCompressedLength(bs));
        } else {
            assertThat(PIPELINE.storedLength).isEqualTo(bs);
        }
        if (algorithm != CompressionAlgorithm.OFF && kind != BlockKind.RANDOM) {
            assertThat(PIPELINE.compressed).isTrue();
        }
        assertThat(PIPELINE.read(PIPELINE.xts, bs, lba, volume)).isEqualTo(block);
    }

    @Property(tries = 300)
    void shouldNeverReturnACorruptedBlock(@ForAll CompressionAlgorithm algorithm, @ForAll BlockKind kind,
                                          @ForAll("blockSizes") int bs, @ForAll long seed,
                                          @ForAll @IntRange(max = 4095) int where, @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] block = kind.fill(seed, bs);
        PIPELINE.write(algorithm, block, bs, 5, 1);
        int at = where % PIPELINE.storedLength;
        PIPELINE.stored[at] ^= (byte) flip;
        assertThat(PIPELINE.read(PIPELINE.xts, bs, 5, 1)).as("the CRC32C catches a stored-byte flip").isNull();

        // Without the CRC (a corruption it misses): XTS garbles the whole 16-byte block, so the
        // decoder fails or returns other bytes — never the original block under a wrong claim.
        PIPELINE.storedCrc = PIPELINE.crc(PIPELINE.stored, PIPELINE.storedLength);
        byte[] got = PIPELINE.read(PIPELINE.xts, bs, 5, 1);
        assertThat(got == null || !Arrays.equals(got, block)).isTrue();
        if (got != null) {
            assertThat(got).hasSize(bs);
        }
    }

    @Property(tries = 200)
    void shouldNotRevealThePlaintextUnderAnotherKeyOrTweak(@ForAll CompressionAlgorithm algorithm,
                                                            @ForAll BlockKind kind, @ForAll("blockSizes") int bs,
                                                            @ForAll long seed) {
        byte[] block = kind.fill(seed, bs);
        PIPELINE.write(algorithm, block, bs, 9, 3);
        byte[] wrongKey = PIPELINE.read(PIPELINE.wrongXts, bs, 9, 3);
        byte[] wrongTweak = PIPELINE.read(PIPELINE.xts, bs, 10, 3);
        for (byte[] got : new byte[][]{wrongKey, wrongTweak}) {
            if (PIPELINE.compressed) {
                // A garbled header or body: the decompressor refuses it.
                assertThat(got).isNull();
            } else {
                assertThat(got).isNotEqualTo(block);
            }
        }
    }

    @Provide
    Arbitrary<Integer> blockSizes() {
        return Arbitraries.of(512, 4096);
    }
}
