package io.basalt.engine.services;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** What every real codec must do; one subclass per codec. */
abstract class BlockCompressorContract {
    private static final byte GUARD = (byte) 0xA5;
    BlockCompressor codec;

    abstract BlockCompressor create();

    @BeforeEach
    void open() {
        codec = create();
    }

    @AfterEach
    void close() {
        codec.close();
    }

    /** Compresses and returns the payload, or null for RAW. */
    byte[] compress(byte[] block) {
        byte[] out = new byte[BlockCompressor.outputCapacity(block.length)];
        int n = codec.compress(block, 0, block.length, out, 0);
        return n == BlockCompressor.RAW ? null : Arrays.copyOf(out, n);
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void shouldShrinkZerosToOneOrTwoUnits(int bs) throws Exception {
        byte[] payload = compress(new byte[bs]);
        assertThat(payload).isNotNull();
        assertThat(payload.length).isLessThanOrEqualTo(32);
        byte[] back = new byte[bs];
        Arrays.fill(back, (byte) 1);
        codec.decompress(payload, 0, payload.length, back, 0, bs);
        assertThat(back).isEqualTo(new byte[bs]);
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void shouldStoreRandomBlocksRaw(int bs) {
        assertThat(compress(BlockKind.RANDOM.fill(bs, bs))).isNull();
    }

    @ParameterizedTest
    @EnumSource(BlockKind.class)
    void shouldRoundTripEveryKindOfBlockAtOffsets(BlockKind kind) throws Exception {
        byte[] block = kind.fill(7, 4096);
        byte[] src = new byte[4096 + 100];
        System.arraycopy(block, 0, src, 33, 4096);
        byte[] scratch = new byte[BlockCompressor.outputCapacity(4096) + 48];
        int n = codec.compress(src, 33, 4096, scratch, 48);
        if (n == BlockCompressor.RAW) {
            assertThat(kind).isIn(BlockKind.RANDOM);
            return;
        }
        assertThat(n % 16).isZero();
        assertThat(n).isLessThanOrEqualTo(CompressedPayload.maxCompressedLength(4096));
        assertThat(scratch[48]).isEqualTo((byte) codec.algorithm().tag());
        byte[] dst = new byte[4096 + 64];
        Arrays.fill(dst, GUARD);
        codec.decompress(scratch, 48, n, dst, 32, 4096);
        assertThat(Arrays.copyOfRange(dst, 32, 32 + 4096)).isEqualTo(block);
        assertGuards(dst, 32, 4096);
    }

    @Test
    void shouldRejectAPayloadWithTheWrongTag() {
        byte[] payload = compress(BlockKind.TEXT.fill(1, 4096));
        payload[0] = (byte) (codec.algorithm().tag() ^ 3);
        assertThatThrownBy(() -> codec.decompress(payload, 0, payload.length, new byte[4096], 0, 4096))
                .isInstanceOf(CorruptPayloadException.class);
    }

    @Test
    void shouldRejectABodyLengthThatDoesNotFitThePayload() {
        byte[] payload = compress(BlockKind.TEXT.fill(1, 4096));
        payload[CompressedPayload.BODY_LENGTH_OFFSET] += 16;
        assertThatThrownBy(() -> codec.decompress(payload, 0, payload.length, new byte[4096], 0, 4096))
                .isInstanceOf(CorruptPayloadException.class);
    }

    @Test
    void shouldRejectATruncatedBody() {
        byte[] payload = compress(BlockKind.TEXT.fill(1, 4096));
        // Claim a shorter body within the same padded length: the codec runs out of input.
        int body = (payload[2] & 0xFF) | (payload[3] & 0xFF) << 8;
        int shorter = body - 1;
        if (CompressedPayload.paddedLength(shorter) != payload.length) {
            shorter = body + 1;
        }
        payload[2] = (byte) shorter;
        payload[3] = (byte) (shorter >>> 8);
        Throwable t = catchThrowable(() -> codec.decompress(payload, 0, payload.length, new byte[4096], 0, 4096));
        assertThat(t).isInstanceOf(CorruptPayloadException.class);
    }

    @Test
    void shouldRejectNonZeroPadding() {
        byte[] payload = null;
        for (long seed = 1; payload == null || paddingOf(payload) == 0; seed++) {
            payload = compress(BlockKind.TEXT.fill(seed, 4096));
        }
        payload[payload.length - 1] = 1;
        byte[] p = payload;
        assertThatThrownBy(() -> codec.decompress(p, 0, p.length, new byte[4096], 0, 4096))
                .isInstanceOf(CorruptPayloadException.class);
    }

    private static int paddingOf(byte[] payload) {
        int body = (payload[2] & 0xFF) | (payload[3] & 0xFF) << 8;
        return payload.length - CompressedPayload.HEADER_LENGTH - body;
    }

    @Test
    void shouldRejectAPayloadForAnotherBlockSize() {
        byte[] payload = compress(new byte[4096]);
        assertThatThrownBy(() -> codec.decompress(payload, 0, payload.length, new byte[8192], 0, 8192))
                .isInstanceOf(CorruptPayloadException.class);
        assertThatThrownBy(() -> codec.decompress(payload, 0, payload.length, new byte[512], 0, 512))
                .isInstanceOf(CorruptPayloadException.class);
    }

    @Test
    void shouldNeverCrashOrOverrunOnGarbageBodies() {
        Random r = new Random(11);
        byte[] dst = new byte[4096 + 64];
        for (int i = 0; i < 5_000; i++) {
            int length = 16 * (1 + r.nextInt(CompressedPayload.maxCompressedLength(4096) / 16));
            byte[] payload = new byte[length];
            r.nextBytes(payload);
            int body = length - CompressedPayload.HEADER_LENGTH - r.nextInt(Math.min(12, length - 4));
            CompressedPayload.seal(payload, 0, codec.algorithm(), body);
            Arrays.fill(dst, GUARD);
            try {
                codec.decompress(payload, 0, length, dst, 32, 4096);
            } catch (CorruptPayloadException expected) {
                // The usual outcome; decoding to exactly 4096 bytes is the (rare) alternative.
            }
            assertGuards(dst, 32, 4096);
        }
    }

    @Test
    void shouldDecodeCorruptedBodiesToAnErrorOrExactlyOneBlock() throws Exception {
        byte[] block = BlockKind.TEXT.fill(3, 4096);
        byte[] payload = compress(block);
        Random r = new Random(5);
        int errors = 0;
        byte[] dst = new byte[4096 + 64];
        for (int i = 0; i < 2_000; i++) {
            byte[] bad = payload.clone();
            int at = CompressedPayload.HEADER_LENGTH + r.nextInt(paddingStart(bad) - CompressedPayload.HEADER_LENGTH);
            bad[at] ^= (byte) (1 + r.nextInt(255));
            Arrays.fill(dst, GUARD);
            try {
                codec.decompress(bad, 0, bad.length, dst, 32, 4096);
            } catch (CorruptPayloadException e) {
                errors++;
            }
            assertGuards(dst, 32, 4096);
        }
        // A flipped literal decodes to a wrong block of the right length: only the log's CRC32C catches that.
        assertThat(errors).isPositive();
    }

    private static int paddingStart(byte[] payload) {
        return payload.length - paddingOf(payload);
    }

    @Test
    void shouldAllocateNothingPerBlock() {
        byte[] text = BlockKind.TEXT.fill(9, 4096);
        byte[] random = BlockKind.RANDOM.fill(9, 4096);
        byte[] scratch = new byte[BlockCompressor.outputCapacity(4096)];
        byte[] back = new byte[4096];
        long bytes = Allocations.perCall(() -> {
            int n = codec.compress(text, 0, 4096, scratch, 0);
            codec.decompress(scratch, 0, n, back, 0, 4096);
            codec.compress(random, 0, 4096, scratch, 0);
        });
        assertThat(bytes).isZero();
    }

    @Test
    void shouldRefuseAScratchBufferBelowTheWorstCase() {
        assertThatThrownBy(() -> codec.compress(new byte[4096], 0, 4096, new byte[4096], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    static void assertGuards(byte[] dst, int off, int length) {
        for (int i = 0; i < off; i++) {
            assertThat(dst[i]).as("byte %d before the block", i).isEqualTo(GUARD);
        }
        for (int i = off + length; i < dst.length; i++) {
            assertThat(dst[i]).as("byte %d after the block", i).isEqualTo(GUARD);
        }
    }
}
