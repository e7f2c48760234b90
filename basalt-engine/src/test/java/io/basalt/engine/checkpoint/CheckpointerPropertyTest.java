package io.basalt.engine.checkpoint;

import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.map.VolumeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint write cut by a power failure leaves its slot with the old header over a body that
 * mixes old and new sectors; the load parses bodies before their CRC is known, so such a slot must
 * be refused, never half-loaded. Two good checkpoints, a third torn in the older slot, the newest
 * slot damaged: the load either refuses both or returns the older good checkpoint exactly.
 */
class CheckpointerPropertyTest {
    private static final int SEGMENTS = 16;
    private static final int MAX_ENTRIES = 3000;
    private static final long SLOT = Checkpointer.slotBytesFor(SEGMENTS, MAX_ENTRIES, 4);

    @Property(tries = 200)
    void shouldNeverLoadATornBody(@ForAll long seed, @ForAll @IntRange(max = 350) int damageAt) throws IOException {
        Random random = new Random(seed);
        FaultyDevice device = new FaultyDevice("d", (int) (4096 + 2 * SLOT));
        Checkpointer checkpointer = new Checkpointer(device, 4096, SLOT, 7);
        CheckpointState first = randomState(1, random);
        SegmentTable firstTable = randomTable(random);
        checkpointer.write(first, firstTable);
        checkpointer.write(randomState(2, random), randomTable(random));
        // Checkpoint 3 goes to slot 1, over checkpoint 1: its body is written, the sync fails, the power goes.
        device.failSyncs = true;
        try {
            checkpointer.write(randomState(3, random), randomTable(random));
        } catch (IOException expected) {
            // the body's sync
        }
        device.powerCut(random, true);
        device.powerOn();
        device.failSyncs = false;
        // Checkpoint 2, the newest, rots.
        device.corrupt(4096 + Checkpointer.HEADER + damageAt);

        CheckpointState loaded = new CheckpointState();
        SegmentTable table = new SegmentTable(SEGMENTS, 1);
        if (checkpointer.load(loaded, table)) {
            // Only possible if none of checkpoint 3's sectors reached slot 1.
            assertThat(loaded.checkpointSeq).isEqualTo(1);
            assertThat(loaded.volumes).isEqualTo(first.volumes);
            for (VolumeRecord v : first.volumes) {
                assertThat(entries(loaded.maps.get(v.id()))).isEqualTo(entries(first.maps.get(v.id())));
                assertThat(loaded.maps.get(v.id()).blocks()).isEqualTo(v.capacityBytes() / v.blockSize());
            }
            for (int s = 0; s < SEGMENTS; s++) {
                assertThat(table.lastSeq(s)).isEqualTo(firstTable.lastSeq(s));
                assertThat(table.end(s)).isEqualTo(firstTable.end(s));
            }
        }
    }

    private static CheckpointState randomState(long seq, Random random) {
        CheckpointState s = new CheckpointState();
        s.checkpointSeq = seq;
        s.nextSeq = 100 * seq;
        int budget = MAX_ENTRIES;
        for (int id = 1; id <= 2; id++) {
            int blockSize = random.nextBoolean() ? 512 : 4096;
            long blocks = 1 + random.nextInt(20_000);
            s.volumes.add(new VolumeRecord(id, "v" + id + "-" + random.nextInt(1000), blockSize, blocks * blockSize,
                    random.nextBoolean()));
            VolumeMap map = new VolumeMap(blocks);
            int n = random.nextInt(Math.min(budget, (int) blocks) + 1);
            for (int i = 0; i < n; i++) {
                map.set(random.nextLong(blocks), PhysAddr.pack(1 + random.nextInt(SEGMENTS - 1),
                        16 * (1 + random.nextInt(1000)), 4096), random.nextInt());
            }
            budget -= (int) map.mappedBlocks();
            s.maps.put(id, map);
        }
        // A clone of volume 1 that diverged a little: its map is a delta against volume 1's.
        VolumeRecord origin = s.volumes.get(0);
        long blocks = origin.capacityBytes() / origin.blockSize();
        VolumeMap clone = s.maps.get(1).snapshot(blocks);
        for (int i = 0; i < 20; i++) {
            long lba = random.nextLong(blocks);
            if (random.nextBoolean()) {
                clone.set(lba, PhysAddr.pack(1 + random.nextInt(SEGMENTS - 1), 16 * (1 + random.nextInt(1000)), 4096),
                        random.nextInt());
            } else {
                clone.clearRange(lba, 1 + random.nextInt(50), (l, a) -> { });
            }
        }
        s.volumes.add(new VolumeRecord(3, "clone", origin.blockSize(), origin.capacityBytes(), false, 0, false, false,
                origin.family(), null, VolumeRecord.VOLUME, 3, 1, seq));
        s.maps.put(3, clone);
        return s;
    }

    private static SegmentTable randomTable(Random random) {
        SegmentTable table = new SegmentTable(SEGMENTS, 1);
        for (int s = 0; s < SEGMENTS; s++) {
            if (random.nextBoolean()) {
                table.setState(s, SegmentTable.FULL);
                table.restore(s, 1 + random.nextInt(1000), random.nextInt(1000), 4096 * (1 + random.nextInt(10)));
            }
        }
        return table;
    }

    private static List<Long> entries(VolumeMap map) {
        List<Long> out = new ArrayList<>();
        map.forEach((lba, address, crc) -> {
            out.add(lba);
            out.add(address);
            out.add((long) crc);
        });
        return out;
    }
}
