package io.basalt.engine.device;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A device that passes every operation to another: tests override the operations they intercept. */
public class ForwardingDevice implements BlockDevice {
    private final BlockDevice device;

    public ForwardingDevice(BlockDevice device) {
        this.device = device;
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public long size() {
        return device.size();
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        device.read(position, dst);
    }

    @Override
    public void write(long position, ByteBuffer src) throws IOException {
        device.write(position, src);
    }

    @Override
    public void sync() throws IOException {
        device.sync();
    }

    @Override
    public void close() throws IOException {
        device.close();
    }
}
