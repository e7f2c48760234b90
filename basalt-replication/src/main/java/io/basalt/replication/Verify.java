package io.basalt.replication;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * One run of {@link ReplicatedStore#verify()}: for each chunk, closes the write gate, reads the chunk
 * locally and from every in-sync replica at once, opens the gate, and compares CRC32Cs. Host writes
 * wait only for one chunk's reads at a time.
 */
final class Verify {
    private final ReplicatedStore store;
    private final Routing routing;
    private final ReplicationSettings settings;

    Verify(ReplicatedStore store, Routing routing, ReplicationSettings settings) {
        this.store = store;
        this.routing = routing;
        this.settings = settings;
    }

    VerifyReport run() throws InterruptedException {
        if (!routing.primary()) {
            return new VerifyReport(0, List.of(), "this brick is not the volume's primary");
        }
        List<Member> compared = new ArrayList<>();
        for (Member m : routing.members()) {
            if (m.state() == Member.IN_SYNC) {
                compared.add(m);
            }
        }
        int n = compared.size();
        int chunk = settings.copyBytes();
        long timeout = settings.gateTimeout().toNanos();
        Read localRead = new Read(chunk);
        Read[] reads = new Read[n];
        List<List<VerifyReport.Range>> differing = new ArrayList<>();
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            reads[i] = new Read(chunk);
            differing.add(new ArrayList<>());
        }
        long capacity = store.capacityBytes();
        long at = 0;
        for (; at < capacity; at += chunk) {
            int length = (int) Math.min(chunk, capacity - at);
            CountDownLatch done = new CountDownLatch(1 + n);
            if (!store.closeGate(timeout)) {
                return report(compared, differing, errors, at, "writes in flight did not drain within " + settings.gateTimeout());
            }
            try {
                localRead.start(at, length, done);
                store.local().submit(localRead);
                for (int i = 0; i < n; i++) {
                    reads[i].start(at, length, done);
                    compared.get(i).link.submit(reads[i], routing.epoch());
                }
                if (!done.await(timeout, TimeUnit.NANOSECONDS)) {
                    return report(compared, differing, errors, at, "reads did not answer within " + settings.gateTimeout());
                }
            } finally {
                store.openGate();
            }
            if (localRead.status != IoStatus.OK) {
                return report(compared, differing, errors, at, "local read failed with status " + localRead.status);
            }
            long expected = localRead.crc();
            for (int i = 0; i < n; i++) {
                if (errors[i] != null) {
                    continue;
                }
                if (reads[i].status != IoStatus.OK) {
                    errors[i] = "read at " + at + " failed with status " + reads[i].status;
                } else if (reads[i].crc() != expected) {
                    addRange(differing.get(i), at, length);
                }
            }
        }
        return report(compared, differing, errors, capacity, null);
    }

    private static void addRange(List<VerifyReport.Range> ranges, long at, int length) {
        int last = ranges.size() - 1;
        if (last >= 0 && ranges.get(last).offset() + ranges.get(last).length() == at) {
            ranges.set(last, new VerifyReport.Range(ranges.get(last).offset(), ranges.get(last).length() + length));
        } else {
            ranges.add(new VerifyReport.Range(at, length));
        }
    }

    private static VerifyReport report(List<Member> compared, List<List<VerifyReport.Range>> differing,
                                       String[] errors, long bytes, String error) {
        List<VerifyReport.Replica> replicas = new ArrayList<>();
        for (int i = 0; i < compared.size(); i++) {
            replicas.add(new VerifyReport.Replica(compared.get(i).brick, differing.get(i), errors[i]));
        }
        return new VerifyReport(bytes, replicas, error);
    }

    /** One chunk read, locally or through a link. */
    private static final class Read implements BlockIo {
        private final ByteBuf buffer;
        private long offset;
        private int length;
        private CountDownLatch done;
        volatile int status;

        Read(int bytes) {
            this.buffer = Unpooled.buffer(bytes, bytes);
        }

        void start(long at, int bytes, CountDownLatch latch) {
            offset = at;
            length = bytes;
            done = latch;
            status = IoStatus.INTERNAL_ERROR;
            buffer.clear();
        }

        long crc() {
            CRC32C crc = new CRC32C();
            crc.update(buffer.nioBuffer(0, length));
            return crc.getValue();
        }

        @Override
        public int op() {
            return OP_READ;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public ByteBuf buffer() {
            return buffer;
        }

        @Override
        public boolean fua() {
            return false;
        }

        @Override
        public void complete(int ioStatus) {
            status = ioStatus;
            done.countDown();
        }
    }
}
