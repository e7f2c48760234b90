package io.basalt.initiator;

import io.basalt.nvme.admin.IdentifyNamespaceData;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamespaceInfoTest {
    private static ByteBuf identifyData(long nsze, long ncap, int lbads) {
        ByteBuf b = Unpooled.buffer(4096).writerIndex(4096);
        b.setLongLE(IdentifyNamespaceData.NSZE_OFFSET, nsze);
        b.setLongLE(IdentifyNamespaceData.NCAP_OFFSET, ncap);
        b.setByte(IdentifyNamespaceData.LBAF0_OFFSET + 2, lbads);
        return b;
    }

    @Test
    void shouldParseTheFormatInUse() {
        NamespaceInfo ns = NamespaceInfo.parse(1, identifyData(2048, 2048, 12), 0);

        assertThat(ns.active()).isTrue();
        assertThat(ns.blockSize()).isEqualTo(4096);
        assertThat(ns.sizeBytes()).isEqualTo(2048L * 4096);
    }

    @Test
    void shouldReadAllZeroDataAsAnInactiveNamespace() {
        // NVMe Base 2.0, Identify CNS 00h: an inactive NSID (not attached, or hidden from this host) returns zeros.
        NamespaceInfo ns = NamespaceInfo.parse(3, identifyData(0, 0, 0), 0);

        assertThat(ns.active()).isFalse();
        assertThat(ns.nsid()).isEqualTo(3);
        assertThat(ns.sizeBytes()).isZero();
    }

    @Test
    void shouldRefuseAnActiveNamespaceWithAnImpossibleBlockSize() {
        assertThatThrownBy(() -> NamespaceInfo.parse(1, identifyData(8, 8, 0), 0))
                .isInstanceOf(NvmeTransportException.class).hasMessageContaining("unsupported LBA data size 2^0");
    }
}
