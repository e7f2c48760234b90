package io.basalt.nvme.discovery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryLogEntryTest {

    private static ByteBuf zeroed(int length) {
        return Unpooled.buffer(length).writeZero(length);
    }

    @Test
    void shouldPinTheEntryLengthAndOffsets() {
        assertThat(DiscoveryLogEntry.LENGTH).isEqualTo(1024);
        assertThat(DiscoveryLogEntry.TRTYPE_OFFSET).isZero();
        assertThat(DiscoveryLogEntry.ADRFAM_OFFSET).isEqualTo(1);
        assertThat(DiscoveryLogEntry.SUBTYPE_OFFSET).isEqualTo(2);
        assertThat(DiscoveryLogEntry.TREQ_OFFSET).isEqualTo(3);
        assertThat(DiscoveryLogEntry.PORTID_OFFSET).isEqualTo(4);
        assertThat(DiscoveryLogEntry.CNTLID_OFFSET).isEqualTo(6);
        assertThat(DiscoveryLogEntry.ASQSZ_OFFSET).isEqualTo(8);
        assertThat(DiscoveryLogEntry.TRSVCID_OFFSET).isEqualTo(32);
        assertThat(DiscoveryLogEntry.SUBNQN_OFFSET).isEqualTo(256);
        assertThat(DiscoveryLogEntry.TRADDR_OFFSET).isEqualTo(512);
        assertThat(DiscoveryLogEntry.TSAS_OFFSET).isEqualTo(768);
        assertThat(DiscoveryLogEntry.TSAS_OFFSET + 256).isEqualTo(DiscoveryLogEntry.LENGTH);
    }

    @Test
    void shouldWriteTheFixedFieldsAsTheKernelLaysThemOut() {
        ByteBuf b = zeroed(DiscoveryLogEntry.LENGTH);
        DiscoveryLogEntry.trtype(b, 0, DiscoveryLogEntry.TRTYPE_TCP);
        DiscoveryLogEntry.adrfam(b, 0, DiscoveryLogEntry.ADRFAM_IPV4);
        DiscoveryLogEntry.subtype(b, 0, DiscoveryLogEntry.SUBTYPE_NVM);
        DiscoveryLogEntry.treq(b, 0, DiscoveryLogEntry.TREQ_SQ_FLOW_CONTROL_DISABLE);
        DiscoveryLogEntry.portid(b, 0, 0x0102);
        DiscoveryLogEntry.cntlid(b, 0, DiscoveryLogEntry.CNTLID_DYNAMIC);
        DiscoveryLogEntry.asqsz(b, 0, 32);
        byte[] head = new byte[10];
        b.getBytes(0, head);
        assertThat(head).containsExactly(3, 1, 2, 4, 0x02, 0x01, (byte) 0xFF, (byte) 0xFF, 32, 0);
    }

    @Test
    void shouldSpacePadTheAddressFieldsAndNulTerminateTheNqn() {
        ByteBuf b = zeroed(DiscoveryLogEntry.LENGTH);
        DiscoveryLogEntry.trsvcid(b, 0, "4420");
        DiscoveryLogEntry.traddr(b, 0, "127.0.0.1");
        DiscoveryLogEntry.subnqn(b, 0, "nqn.x");
        assertThat(b.toString(32, 32, StandardCharsets.US_ASCII)).isEqualTo("4420" + " ".repeat(28));
        assertThat(b.toString(512, 256, StandardCharsets.US_ASCII)).isEqualTo("127.0.0.1" + " ".repeat(247));
        assertThat(b.toString(256, 5, StandardCharsets.US_ASCII)).isEqualTo("nqn.x");
        assertThat(b.getByte(261)).isZero();
        assertThat(b.getByte(DiscoveryLogEntry.TSAS_OFFSET)).isZero();
    }

    @Test
    void shouldReadBackTheSecondEntryOfAPage() {
        int base = DiscoveryLogHeader.LENGTH + DiscoveryLogEntry.LENGTH;
        ByteBuf b = zeroed(base + DiscoveryLogEntry.LENGTH);
        DiscoveryLogEntry.trtype(b, base, DiscoveryLogEntry.TRTYPE_TCP);
        DiscoveryLogEntry.adrfam(b, base, DiscoveryLogEntry.ADRFAM_IPV6);
        DiscoveryLogEntry.subtype(b, base, DiscoveryLogEntry.SUBTYPE_CURRENT_DISCOVERY);
        DiscoveryLogEntry.portid(b, base, 0xFFFE);
        DiscoveryLogEntry.cntlid(b, base, 0xFFFF);
        DiscoveryLogEntry.asqsz(b, base, 128);
        DiscoveryLogEntry.trsvcid(b, base, "8009");
        DiscoveryLogEntry.subnqn(b, base, "nqn.2026-01.io.basalt:b");
        DiscoveryLogEntry.traddr(b, base, "::1");

        assertThat(DiscoveryLogEntry.trtype(b, base)).isEqualTo(3);
        assertThat(DiscoveryLogEntry.adrfam(b, base)).isEqualTo(2);
        assertThat(DiscoveryLogEntry.subtype(b, base)).isEqualTo(3);
        assertThat(DiscoveryLogEntry.treq(b, base)).isZero();
        assertThat(DiscoveryLogEntry.portid(b, base)).as("unsigned").isEqualTo(0xFFFE);
        assertThat(DiscoveryLogEntry.cntlid(b, base)).isEqualTo(0xFFFF);
        assertThat(DiscoveryLogEntry.asqsz(b, base)).isEqualTo(128);
        assertThat(DiscoveryLogEntry.trsvcid(b, base)).isEqualTo("8009");
        assertThat(DiscoveryLogEntry.subnqn(b, base)).isEqualTo("nqn.2026-01.io.basalt:b");
        assertThat(DiscoveryLogEntry.traddr(b, base)).isEqualTo("::1");
    }
}
