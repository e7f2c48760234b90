package io.basalt.engine.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An in-memory device with a volatile write cache and injectable faults: a power cut drops or
 * tears (per 512-byte sector) every write not yet synced; reads or writes can fail with EIO; the
 * device can be full (ENOSPC). Survives {@link #close} so a pool can be reopened on it.
 */
public final class FaultyDevice implements BlockDevice {
    private static final int SECTOR = 512;

    private record Pending(long position, byte[] data) {
    }

    private final String name;
    private final byte[] durable;
    private final byte[] current;
    private final List<Pending> pending = new ArrayList<>();
    private boolean dead;
    public volatile boolean failWrites;
    public volatile boolean failSyncs;
    public volatile boolean full;
    public volatile long failReadsFrom = -1;
    public volatile long failReadsTo = -1;
    public long bytesWritten;
    public long syncs;

    public FaultyDevice(String name, int size) {
        this.name = name;
        this.durable = new byte[size];
        this.current = new byte[size];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return durable.length;
    }

    @Override
    public synchronized void read(long position, ByteBuffer dst) throws IOException {
        check(position, dst.remaining());
        if (position < failReadsTo && position + dst.remaining() > failReadsFrom) {
            throw new IOException("EIO (injected) reading " + name + " at " + position);
        }
        dst.put(current, (int) position, dst.remaining());
    }

    @Override
    public synchronized void write(long position, ByteBuffer src) throws IOException {
        check(position, src.remaining());
        if (full) {
            throw new DeviceFullException("No space left on device (injected)");
        }
        if (failWrites) {
            throw new IOException("EIO (injected) writing " + name + " at " + position);
        }
        byte[] data = new byte[src.remaining()];
        src.get(data);
        System.arraycopy(data, 0, current, (int) position, data.length);
        pending.add(new Pending(position, data));
        bytesWritten += data.length;
    }

    @Override
    public synchronized void sync() throws IOException {
        if (dead) {
            throw new IOException("device is off");
        }
        if (failSyncs) {
            throw new IOException("EIO (injected) on fdatasync");
        }
        for (Pending p : pending) {
            System.arraycopy(p.data, 0, durable, (int) p.position, p.data.length);
        }
        pending.clear();
        syncs++;
    }

    /**
     * Power cut: each unsynced write survives whole, is lost, or (if {@code tear}) keeps a random
     * subset of its sectors. The device then fails everything until {@link #powerOn}.
     */
    public synchronized void powerCut(Random random, boolean tear) {
        for (Pending p : pending) {
            int choice = random.nextInt(tear ? 3 : 2);
            if (choice == 1) {
                System.arraycopy(p.data, 0, durable, (int) p.position, p.data.length);
            } else if (choice == 2) {
                for (int s = 0; s < p.data.length; s += SECTOR) {
                    if (random.nextBoolean()) {
                        System.arraycopy(p.data, s, durable, (int) p.position + s, Math.min(SECTOR, p.data.length - s));
                    }
                }
            }
        }
        pending.clear();
        dead = true;
    }

    /** After a power cut: the device holds what was durable, and works again. */
    public synchronized void powerOn() {
        System.arraycopy(durable, 0, current, 0, durable.length);
        dead = false;
    }

    /** Flips a byte as media corruption would, durably. */
    public synchronized void corrupt(long position) {
        durable[(int) position] ^= 0x5A;
        current[(int) position] ^= 0x5A;
    }

    /** A copy of every byte the device holds now (tests scan it). */
    public synchronized byte[] contents() {
        return current.clone();
    }

    public synchronized int unsyncedWrites() {
        return pending.size();
    }

    private void check(long position, int length) throws IOException {
        if (dead) {
            throw new IOException("device is off");
        }
        if (position % ALIGNMENT != 0 || length % ALIGNMENT != 0 || position < 0 || position + length > durable.length) {
            throw new IOException("unaligned or out of range I/O at " + position + "+" + length);
        }
    }

    @Override
    public void close() {
    }
}
