package io.basalt.volume;

import java.util.concurrent.atomic.LongAdder;

/**
 * A volume's I/O counters since it was exported, for the SMART log and the brick's metrics.
 * {@link LongAdder}s keep the per-I/O update free of contention between the event loops of the
 * connections using the volume; reading them sums the cells (management path).
 */
public final class IoCounters {
    private final LongAdder readCommands = new LongAdder();
    private final LongAdder writeCommands = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder throttled = new LongAdder();

    /** A read of {@code bytes} completed successfully. */
    public void countRead(int bytes) {
        readCommands.increment();
        bytesRead.add(bytes);
    }

    /** A write of {@code bytes} completed successfully. */
    public void countWrite(int bytes) {
        writeCommands.increment();
        bytesWritten.add(bytes);
    }

    /** A read or write failed in the store. */
    public void countError() {
        errors.increment();
    }

    /** QoS delayed a command. */
    public void countThrottled() {
        throttled.increment();
    }

    public long readCommands() {
        return readCommands.sum();
    }

    public long writeCommands() {
        return writeCommands.sum();
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    /** Reads and writes that failed in the store. */
    public long errors() {
        return errors.sum();
    }

    /** Commands QoS delayed. */
    public long throttledCommands() {
        return throttled.sum();
    }
}
