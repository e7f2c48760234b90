package io.basalt.volume;

import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.volume.qos.QosLimiter;
import io.basalt.volume.qos.QosLimits;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class VolumeTest {
    private final MemoryBlockStore store = new MemoryBlockStore(1 << 20, 4096);
    private final Volume volume = new Volume(3, "db", UUID.randomUUID(), store, HostAccess.of(Set.of("nqn.host-a")));

    @Test
    void shouldMeasureItselfByItsStore() {
        assertThat(volume.store()).isSameAs(store);
        assertThat(volume.blockSize()).isEqualTo(4096);
        assertThat(volume.blocks()).isEqualTo(256);
    }

    @Test
    void shouldStartUnlimitedUnobservedAndWithZeroCounters() {
        assertThat(volume.qos()).isNull();
        assertThat(volume.observer()).isSameAs(IoObserver.NONE);
        assertThat(volume.counters().readCommands()).isZero();
        assertThat(volume.counters().throttledCommands()).isZero();
    }

    @Test
    void shouldCountCompletedIo() {
        volume.counters().countRead(4096);
        volume.counters().countWrite(8192);
        volume.counters().countWrite(512);
        volume.counters().countError();
        volume.counters().countThrottled();

        IoCounters c = volume.counters();
        assertThat(c.readCommands()).isEqualTo(1);
        assertThat(c.bytesRead()).isEqualTo(4096);
        assertThat(c.writeCommands()).isEqualTo(2);
        assertThat(c.bytesWritten()).isEqualTo(8704);
        assertThat(c.errors()).isEqualTo(1);
        assertThat(c.throttledCommands()).isEqualTo(1);
    }

    @Test
    void shouldChangeAccessAndQosInPlace() {
        assertThat(volume.access().allows("nqn.host-b")).isFalse();
        volume.setAccess(HostAccess.any());
        assertThat(volume.access().allows("nqn.host-b")).isTrue();

        QosLimiter limiter = new QosLimiter(new QosLimits(100, 0, 0, 0, 0), 1 << 20);
        volume.setQos(limiter);
        assertThat(volume.qos()).isSameAs(limiter);
        volume.setQos(null);
        assertThat(volume.qos()).isNull();
    }
}
