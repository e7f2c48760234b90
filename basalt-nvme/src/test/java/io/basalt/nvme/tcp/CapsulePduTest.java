package io.basalt.nvme.tcp;

import io.basalt.nvme.Cqe;
import io.basalt.nvme.Sqe;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CapsulePduTest {

    @Test
    void shouldPinCapsuleLengthsAsHeaderPlusQueueEntry() {
        assertThat(CapsulePdu.CMD_HEADER_LENGTH).isEqualTo(72).isEqualTo(CommonHeader.LENGTH + Sqe.LENGTH);
        assertThat(CapsulePdu.RESP_LENGTH).isEqualTo(24).isEqualTo(CommonHeader.LENGTH + Cqe.LENGTH);
        assertThat(CapsulePdu.ENTRY_OFFSET).isEqualTo(8);
    }
}
