package io.basalt.engine.pool;

import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.services.KeyEncryptionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lays a pool out on its devices and finds it there again: a {@link Superblock} on each device,
 * the two checkpoint slots on device 0, then equal runs of segments on every device; an engine
 * formatted ({@link #format}) or recovered ({@link #recover}) over that layout, not yet started.
 *
 * <p>Durability invariant: every superblock is written before the engine's first checkpoint, so a
 * device that holds the pool's checkpoint also names its pool, index and layout; opening checks all
 * devices agree (one pool id, one segment size, each index once) before reading anything else.
 */
final class PoolFormat {
    /** Pool's logger: operators find "Created pool" / "Opened pool" where they always were. */
    private static final Logger LOG = LoggerFactory.getLogger(Pool.class);

    private PoolFormat() {
    }

    /** An engine over its devices (ordered by index), with the pool's id. */
    record Laid(List<BlockDevice> devices, Engine engine, long poolId) {
    }

    /** Formats the devices as a new, empty pool: superblocks, then the engine's first checkpoint. */
    static Laid format(List<BlockDevice> devices, PoolConfig config, KeyEncryptionKey kekOrNull) throws IOException {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a pool needs at least one device");
        }
        int segmentSize = config.segmentSize();
        long rawSegments = 0;
        for (BlockDevice d : devices) {
            rawSegments += Math.max(0, (d.size() - Superblock.SIZE) / segmentSize);
        }
        long slotBytes = checkpointSlotBytes(rawSegments, config);
        long checkpointStart = Superblock.SIZE;
        int perDevice = Integer.MAX_VALUE;
        long[] dataStart = new long[devices.size()];
        for (int i = 0; i < devices.size(); i++) {
            dataStart[i] = i == 0 ? AlignedBuffers.alignUp(checkpointStart + 2 * slotBytes) : Superblock.SIZE;
            long n = (devices.get(i).size() - dataStart[i]) / segmentSize;
            perDevice = (int) Math.min(perDevice, Math.max(0, n));
        }
        long segments = (long) perDevice * devices.size();
        if (perDevice < 2 || segments < Pool.MIN_SEGMENTS) {
            throw new IOException("devices too small: " + segments + " segments of " + segmentSize
                    + " bytes (a pool needs at least " + Pool.MIN_SEGMENTS + ")");
        }
        if (segments > PhysAddr.MAX_SEGMENTS) {
            throw new IOException("too many segments: " + segments + "; use larger segments");
        }
        long poolId = new SecureRandom().nextLong() | 1;
        for (int i = 0; i < devices.size(); i++) {
            new Superblock(i, poolId, devices.size(), segmentSize, perDevice, dataStart[i], slotBytes, checkpointStart)
                    .write(devices.get(i));
        }
        SegmentLayout layout = new SegmentLayout(devices, dataStart, segmentSize, perDevice);
        Engine engine = new Engine(layout, config, poolId,
                new Checkpointer(devices.get(0), checkpointStart, slotBytes, poolId), kekOrNull);
        try {
            engine.format();
        } catch (IOException | RuntimeException e) {
            engine.closeCodecs();
            throw e;
        }
        LOG.info("Created pool {} on {} device(s): {} segments of {} bytes, {} usable bytes",
                Long.toHexString(poolId), devices.size(), segments, segmentSize, engine.usableBytes());
        return new Laid(devices, engine, poolId);
    }

    /** A checkpoint slot's size for a pool of this raw size, as {@link #format} lays it out. */
    private static long checkpointSlotBytes(long rawSegments, PoolConfig config) {
        // Compression and dedup put more map entries in the same bytes: size for the expected reduction.
        return Checkpointer.slotBytesFor(rawSegments,
                (long) (rawSegments * (config.segmentSize() / 4096) * config.expectedReduction()), config.maxVolumes());
    }

    /** See {@link Pool#minimumDeviceBytes}. */
    static long minimumDeviceBytes(PoolConfig config) {
        int segmentSize = config.segmentSize();
        long size = Superblock.SIZE + (long) Pool.MIN_SEGMENTS * segmentSize;
        // The slots grow with the device, so a few rounds settle it; each round only grows the size.
        for (int round = 0; round < 16; round++) {
            long slotBytes = checkpointSlotBytes((size - Superblock.SIZE) / segmentSize, config);
            long need = AlignedBuffers.alignUp(Superblock.SIZE + 2 * slotBytes) + (long) Pool.MIN_SEGMENTS * segmentSize;
            if (need <= size) {
                return size;
            }
            size = need;
        }
        return size;
    }

    /** Finds the pool on the devices (any order, all of them) and recovers its engine. */
    static Laid recover(List<BlockDevice> devices, PoolConfig config, KeyEncryptionKey kekOrNull) throws IOException {
        List<Superblock> supers = new ArrayList<>();
        for (BlockDevice d : devices) {
            Superblock sb = Superblock.read(d);
            if (sb == null) {
                throw new IOException(d.name() + " is not part of a pool");
            }
            supers.add(sb);
        }
        Superblock first = supers.get(0);
        BlockDevice[] ordered = new BlockDevice[first.deviceCount()];
        long[] dataStart = new long[first.deviceCount()];
        if (devices.size() != first.deviceCount()) {
            throw new IOException("the pool has " + first.deviceCount() + " devices; " + devices.size() + " given");
        }
        for (int i = 0; i < devices.size(); i++) {
            Superblock sb = supers.get(i);
            if (sb.poolId() != first.poolId() || sb.segmentSize() != first.segmentSize()
                    || sb.deviceIndex() < 0 || sb.deviceIndex() >= ordered.length || ordered[sb.deviceIndex()] != null) {
                throw new IOException(devices.get(i).name() + " belongs to another pool or repeats a device");
            }
            ordered[sb.deviceIndex()] = devices.get(i);
            dataStart[sb.deviceIndex()] = sb.dataStart();
        }
        List<BlockDevice> list = Arrays.asList(ordered);
        SegmentLayout layout = new SegmentLayout(list, dataStart, first.segmentSize(), first.segmentsPerDevice());
        Superblock zero = supers.stream().filter(s -> s.deviceIndex() == 0).findFirst().orElseThrow();
        Engine engine = new Engine(layout, config.withSegmentSize(first.segmentSize()), first.poolId(),
                new Checkpointer(ordered[0], zero.checkpointStart(), zero.checkpointSlotBytes(), first.poolId()),
                kekOrNull);
        long t0 = System.nanoTime();
        try {
            engine.recover();
        } catch (IOException | RuntimeException e) {
            engine.closeCodecs();
            throw e;
        }
        LOG.info("Opened pool {} in {} ms", Long.toHexString(first.poolId()), (System.nanoTime() - t0) / 1_000_000);
        return new Laid(List.copyOf(list), engine, first.poolId());
    }
}
