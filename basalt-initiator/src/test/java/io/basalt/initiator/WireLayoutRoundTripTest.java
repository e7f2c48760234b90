package io.basalt.initiator;

import io.basalt.initiator.testing.InProcessTarget;
import io.basalt.nvme.admin.IdentifyControllerData;
import io.basalt.nvme.discovery.DiscoveryLogEntry;
import io.basalt.nvmet.TargetConfig;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared layouts of basalt-nvme round-trip between the two sides: the target encodes Identify
 * Controller and the discovery log page, the initiator decodes them, and every field the target
 * set arrives with its value. A field written at one offset and read at another fails here.
 */
class WireLayoutRoundTripTest {
    private InProcessTarget target;
    private NvmeTcpInitiator initiator;

    @BeforeEach
    void start() throws InterruptedException {
        target = new InProcessTarget();
        initiator = new NvmeTcpInitiator(InitiatorConfig.builder().hostNqn("nqn.2014-08.org.example:round-trip")
                .ioQueues(1).queueDepth(8).keepAliveMillis(0).connectTimeoutMillis(5000)
                .commandTimeoutMillis(5000).controllerLossTimeoutMillis(0).build());
    }

    @AfterEach
    void stop() {
        initiator.close();
        target.close();
    }

    @Test
    void shouldDecodeEveryIdentifyControllerFieldTheTargetEncodes() {
        TargetConfig config = TargetConfig.defaults();
        try (NvmeController c = initiator.connect(target.address(), InProcessTarget.SUBNQN)) {
            ByteBuf raw = c.identify(1, 0);
            assertThat(raw.readableBytes()).isEqualTo(IdentifyControllerData.LENGTH);
            ControllerInfo info = ControllerInfo.parse(raw, 0);

            assertThat(info).isEqualTo(c.info());
            assertThat(info.serial()).isEqualTo("INIT0001");
            assertThat(info.model()).isEqualTo("Basalt");
            assertThat(info.firmware()).isEqualTo("0.1.0");
            assertThat(info.cntlid()).isEqualTo(c.cntlid());
            assertThat(info.version()).isEqualTo(0x00010400);
            assertThat(info.cntrltype()).isEqualTo(IdentifyControllerData.CNTRLTYPE_IO);
            assertThat(info.cmic()).isEqualTo(0x0B);
            assertThat(info.cmic() & IdentifyControllerData.CMIC_ANA_REPORTING).isNotZero();
            assertThat(info.mdts()).isEqualTo(config.mdtsShift());
            assertThat(info.kas()).isEqualTo(10);
            assertThat(info.sqes()).isEqualTo(0x66);
            assertThat(info.cqes()).isEqualTo(0x44);
            assertThat(info.maxcmd()).isEqualTo(config.maxQueueEntries());
            assertThat(info.nn()).isEqualTo(target.subsystem().maxNamespaces());
            assertThat(info.oncs()).isEqualTo(IdentifyControllerData.ONCS_DSM
                    | IdentifyControllerData.ONCS_WRITE_ZEROES | IdentifyControllerData.ONCS_TIMESTAMP);
            assertThat(info.vwc()).as("RAM store: no volatile cache; no broadcast flush").isEqualTo(0x4);
            assertThat(info.sgls()).isEqualTo(1 | (1 << 20));
            assertThat(info.subnqn()).isEqualTo(InProcessTarget.SUBNQN);
            assertThat(info.inCapsuleDataSize()).isEqualTo(config.inCapsuleDataSize());
            assertThat(info.iorcsz()).isEqualTo(1);
            assertThat(info.icdoff()).isZero();
            assertThat(info.msdbd()).isEqualTo(1);
            assertThat(info.problem(c.cntlid(), false)).isNull();
        }
    }

    @Test
    void shouldDecodeTheIdentifyNamespaceFieldsTheTargetEncodes() {
        try (NvmeController c = initiator.connect(target.address(), InProcessTarget.SUBNQN)) {
            NamespaceInfo ns = c.identifyNamespace(1);

            assertThat(ns.nsid()).isEqualTo(1);
            assertThat(ns.blockSize()).isEqualTo(InProcessTarget.BLOCK);
            assertThat(ns.size()).isEqualTo(InProcessTarget.SIZE / InProcessTarget.BLOCK);
            assertThat(ns.capacity()).isEqualTo(ns.size());
            assertThat(ns.metadataSize()).isZero();
            assertThat(ns.active()).isTrue();
            assertThat(c.identifyNamespace(2).active()).as("an NSID with no namespace reads as inactive").isFalse();
        }
    }

    @Test
    void shouldDecodeEveryDiscoveryLogFieldTheTargetEncodes() {
        DiscoveryLog log = initiator.discover(target.address());

        assertThat(log.generation()).isEqualTo(target.subsystem().generation());
        assertThat(log.entries()).singleElement().satisfies(e -> {
            assertThat(e.trtype()).isEqualTo(DiscoveryLogEntry.TRTYPE_TCP);
            assertThat(e.adrfam()).isEqualTo(DiscoveryLogEntry.ADRFAM_IPV4);
            assertThat(e.subtype()).isEqualTo(DiscoveryLogEntry.SUBTYPE_NVM);
            assertThat(e.treq()).isEqualTo(DiscoveryLogEntry.TREQ_SQ_FLOW_CONTROL_DISABLE);
            assertThat(e.portId()).isEqualTo(1);
            assertThat(e.cntlid()).isEqualTo(DiscoveryLogEntry.CNTLID_DYNAMIC);
            assertThat(e.asqsz()).isEqualTo(32);
            assertThat(e.trsvcid()).isEqualTo(Integer.toString(target.address().getPort()));
            assertThat(e.port()).isEqualTo(target.address().getPort());
            assertThat(e.subnqn()).isEqualTo(InProcessTarget.SUBNQN);
            assertThat(e.traddr()).isEqualTo("127.0.0.1");
        });
    }
}
