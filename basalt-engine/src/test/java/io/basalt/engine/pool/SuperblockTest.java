package io.basalt.engine.pool;

import io.basalt.engine.device.FaultyDevice;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SuperblockTest {
    @Test
    void shouldRoundTripAndRefuseDamage() throws IOException {
        FaultyDevice d = new FaultyDevice("d", 1 << 16);
        assertThat(Superblock.read(d)).isNull();
        Superblock sb = new Superblock(1, 0xABCDL, 3, 1 << 20, 77, 4096, 8192, 4096);
        sb.write(d);
        assertThat(Superblock.read(d)).isEqualTo(sb);
        d.corrupt(30);
        assertThatThrownBy(() -> Superblock.read(d)).isInstanceOf(IOException.class).hasMessageContaining("damaged");
    }
}
