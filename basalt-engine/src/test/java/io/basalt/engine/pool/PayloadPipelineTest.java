package io.basalt.engine.pool;

import io.basalt.engine.dedup.Dedup;
import io.basalt.engine.log.BatchFormat;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.map.ExtentTable;
import io.basalt.engine.map.VolumeMap;
import io.basalt.engine.services.Allocations;
import io.basalt.engine.services.CompressionAlgorithm;
import io.basalt.engine.services.DataKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadPipelineTest {
    private static final int SEGMENT = 8 << 20;
    private final ExtentTable extents = new ExtentTable();
    private final PayloadPipeline pipeline = new PayloadPipeline(new Dedup(extents, 1 << 20));
    private final PayloadDecoder decoder = new PayloadDecoder();
    private final LogStream batch = new LogStream(LogStream.HOT, 1 << 20);

    PayloadPipelineTest() {
        batch.moveTo(1, 0, 2);
    }

    private static EngineBlockStore volume(int id, int blockSize, VolumeOptions o) {
        DataKey key = o.encrypted() ? DataKey.generate(new SecureRandom()) : null;
        return new EngineBlockStore(null, id, "v" + id, blockSize, 1 << 20, false, new VolumeMap(256), o, id, key,
                null);
    }

    private static List<VolumeOptions> everyCombination() {
        List<VolumeOptions> all = new ArrayList<>();
        for (CompressionAlgorithm c : CompressionAlgorithm.values()) {
            for (boolean dedup : new boolean[]{false, true}) {
                for (boolean enc : new boolean[]{false, true}) {
                    all.add(new VolumeOptions(c, dedup, enc));
                }
            }
        }
        return all;
    }

    private static int salt;

    /** Compressible text, different on every call (so dedup finds only the duplicates a test makes). */
    private static byte[] text(int length) {
        byte[] line = ("payload pipeline test line " + salt++ + ", compressible enough\n").getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = line[i % line.length];
        }
        return b;
    }

    /** Decodes entry {@code e} of the batch as the read path would. */
    private byte[] decode(EngineBlockStore v, int e) {
        boolean extent = BatchFormat.isExtentPayload(batch.type(e));
        long address = PhysAddr.pack(1, 4096, batch.length(e), batch.flags(e));
        ByteBuf out = Unpooled.buffer(v.blockSize());
        boolean ok = decoder.decode(v, extent ? BatchFormat.EXTENT_SEED : v.family(), extent ? batch.arg(e) : batch.lba(e),
                address, batch.crc(e), batch.payload(), batch.payloadIndex(e), out);
        return ok ? out.array() : null;
    }

    @Test
    void shouldRoundTripEveryCombinationAndShrinkOnlyWhenCompressing() {
        for (VolumeOptions o : everyCombination()) {
            for (int bs : new int[]{512, 4096}) {
                batch.reset();
                EngineBlockStore v = volume(3, bs, o);
                byte[] data = text(bs);
                pipeline.append(batch, v, 17, Unpooled.wrappedBuffer(data), 0);
                assertThat(batch.seed(0)).isEqualTo(v.family());
                assertThat(batch.type(0)).isEqualTo(o.dedup() ? BatchFormat.TYPE_WRITE_EXTENT : BatchFormat.TYPE_WRITE);
                assertThat(batch.length(0) < bs).as(o + " compressed").isEqualTo(o.compression() != CompressionAlgorithm.OFF);
                assertThat(PhysAddr.isCompressed(PhysAddr.pack(1, 4096, 16, batch.flags(0))))
                        .isEqualTo(o.compression() != CompressionAlgorithm.OFF);
                assertThat(decode(v, 0)).as(o + " bs " + bs).isEqualTo(data);
                if (o.dedup()) {
                    pipeline.append(batch, v, 18, Unpooled.wrappedBuffer(data), 0);
                    assertThat(batch.type(1)).isEqualTo(BatchFormat.TYPE_REF);
                    assertThat(batch.arg(1)).isEqualTo(batch.arg(0));
                    assertThat(extents.refs(batch.arg(0))).isEqualTo(2);
                }
            }
        }
    }

    @Test
    void shouldNotStorePlaintextWhenEncrypting() {
        EngineBlockStore v = volume(4, 4096, new VolumeOptions(CompressionAlgorithm.OFF, false, true));
        byte[] data = text(4096);
        pipeline.append(batch, v, 1, Unpooled.wrappedBuffer(data), 0);
        byte[] stored = new byte[4096];
        batch.payload().clear().get(batch.payloadIndex(0), stored);
        assertThat(stored).isNotEqualTo(data);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("payload pipeline");
    }

    @Test
    void shouldFailTheDecodeOfAFlippedByte() {
        for (VolumeOptions o : everyCombination()) {
            batch.reset();
            EngineBlockStore v = volume(5, 4096, o);
            pipeline.append(batch, v, 2, Unpooled.wrappedBuffer(text(4096)), 0);
            int at = batch.payloadIndex(0) + 5;
            batch.payload().put(at, (byte) (batch.payload().get(at) ^ 1));
            assertThat(decode(v, 0)).as(o.toString()).isNull();
        }
    }

    @Test
    void shouldAllocateNothingPerBlockOnEitherSide() {
        for (VolumeOptions o : everyCombination()) {
            EngineBlockStore v = volume(6, 4096, o);
            byte[] same = text(4096);
            ByteBuf src = Unpooled.wrappedBuffer(same);
            ByteBuf dst = Unpooled.buffer(4096);
            long lba = 0;
            long written = Allocations.perCall(() -> {
                if (!batch.fits(4096, SEGMENT)) {
                    batch.reset();
                }
                // Dedup volumes: the same block again, so the steady state is the lookup hit (REF).
                pipeline.append(batch, v, lba, src, 0);
            });
            assertThat(written).as(o + " write").isZero();
            batch.reset();
            pipeline.append(batch, v, 0, Unpooled.wrappedBuffer(text(4096)), 0);
            int e = 0;
            boolean extent = BatchFormat.isExtentPayload(batch.type(e));
            long address = PhysAddr.pack(1, 4096, batch.length(e), batch.flags(e));
            long read = Allocations.perCall(() -> {
                dst.clear();
                decoder.decode(v, extent ? BatchFormat.EXTENT_SEED : v.family(), extent ? batch.arg(e) : 0, address,
                        batch.crc(e), batch.payload(), batch.payloadIndex(e), dst);
            });
            assertThat(read).as(o + " read").isZero();
        }
    }
}
