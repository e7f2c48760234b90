package io.basalt.nvmet.admin;

import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FeaturesTest {
    private ControllerRegistry registry;
    private TestHost host;

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
        host = new TestHost(registry);
        host.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
    }

    @AfterEach
    void tearDown() {
        host.close();
    }

    private ReceivedPdu set(int fid, int cdw11) {
        return host.command(Sqes.setFeatures(host.cid(), fid, cdw11, false), null);
    }

    private ReceivedPdu get(int fid) {
        return host.command(Sqes.getFeatures(host.cid(), fid, 0), null);
    }

    private static long dw0(ReceivedPdu resp) {
        return resp.cqeResult() & 0xFFFFFFFFL;
    }

    // ---- Number of Queues ------------------------------------------------------------------

    @Test
    void shouldGrantTheQueuesAskedForWhenWithinTheLimit() {
        ReceivedPdu resp = set(Features.FID_NUMBER_OF_QUEUES, (3 << 16) | 3);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(dw0(resp)).as("4 queues, 0's based in both halves").isEqualTo((3L << 16) | 3);
        assertThat(dw0(get(Features.FID_NUMBER_OF_QUEUES))).isEqualTo((3L << 16) | 3);
    }

    @Test
    void shouldCapTheQueuesGrantedAt64() {
        ReceivedPdu resp = set(Features.FID_NUMBER_OF_QUEUES, (127 << 16) | 127);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(dw0(resp)).isEqualTo((63L << 16) | 63);
    }

    @Test
    void shouldGrantTheSmallerOfSubmissionAndCompletionQueueCounts() {
        ReceivedPdu resp = set(Features.FID_NUMBER_OF_QUEUES, (7 << 16) | 1);
        assertThat(dw0(resp)).isEqualTo((1L << 16) | 1);
    }

    @Test
    void shouldReportAllQueuesBeforeTheHostAsks() {
        assertThat(dw0(get(Features.FID_NUMBER_OF_QUEUES))).isEqualTo((63L << 16) | 63);
    }

    @Test
    void shouldRefuse65536Queues() {
        assertThat(set(Features.FID_NUMBER_OF_QUEUES, 0xFFFF).cqeStatus()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
        assertThat(set(Features.FID_NUMBER_OF_QUEUES, 0xFFFF0000).cqeStatus())
                .isEqualTo(Status.INVALID_FIELD | Status.DNR);
    }

    // ---- Async Event Configuration, Keep Alive Timer ---------------------------------------

    @Test
    void shouldRoundTripTheAsyncEventConfiguration() {
        assertThat(dw0(get(Features.FID_ASYNC_EVENT_CONFIG))).isZero();
        assertThat(set(Features.FID_ASYNC_EVENT_CONFIG, 1 << 8).cqeStatus()).isZero();
        assertThat(dw0(get(Features.FID_ASYNC_EVENT_CONFIG))).isEqualTo(1 << 8);
    }

    @Test
    void shouldKeepOnlyTheAsyncEventsItCanRaise() {
        set(Features.FID_ASYNC_EVENT_CONFIG, 0xFFFFFFFF);
        assertThat(dw0(get(Features.FID_ASYNC_EVENT_CONFIG))).isEqualTo((1 << 8) | (1 << 11));
    }

    @Test
    void shouldRoundTripTheKeepAliveTimeout() {
        assertThat(set(Features.FID_KEEP_ALIVE_TIMER, 15000).cqeStatus()).isZero();
        assertThat(dw0(get(Features.FID_KEEP_ALIVE_TIMER))).isEqualTo(15000);
        assertThat(registry.get(1).katoMillis()).isEqualTo(15000);
    }

    // ---- Volatile Write Cache --------------------------------------------------------------

    @Test
    void shouldRefuseWriteCacheFeaturesWithoutAVolatileCache() {
        assertThat(set(Features.FID_VOLATILE_WRITE_CACHE, 1).cqeStatus()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
        assertThat(get(Features.FID_VOLATILE_WRITE_CACHE).cqeStatus()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
    }

    // ---- Timestamp -------------------------------------------------------------------------

    @Test
    void shouldReturnTheTimestampTheHostSet() {
        long millis = 1_700_000_000_000L;
        ByteBuf data = Unpooled.buffer(8).writeLongLE(millis);
        ReceivedPdu setResp = host.command(Sqes.setFeatures(host.cid(), Features.FID_TIMESTAMP, 0, false), data);
        assertThat(setResp.cqeStatus()).isZero();
        TestHost.Reply r = host.transfer(Sqes.getFeatures(host.cid(), Features.FID_TIMESTAMP, 0), 8);
        assertThat(r.status()).isZero();
        assertThat(r.data().readableBytes()).isEqualTo(8);
        long value = r.data().getLongLE(0);
        assertThat(value & 0xFFFF_FFFF_FFFFL).isBetween(millis, millis + 5_000);
        assertThat((value >>> 48) & 0xE).as("origin: set by a host").isEqualTo(2);
    }

    @Test
    void shouldRefuseSettingATimestampWithoutData() {
        ReceivedPdu resp = set(Features.FID_TIMESTAMP, 0);
        assertThat(resp.cqeStatus()).isEqualTo(Status.SGL_INVALID_DATA_LENGTH | Status.DNR);
    }

    @Test
    void shouldReportAnUnsetTimestampAsWallClockTime() {
        long now = System.currentTimeMillis();
        TestHost.Reply r = host.transfer(Sqes.getFeatures(host.cid(), Features.FID_TIMESTAMP, 0), 8);
        long value = r.data().getLongLE(0);
        assertThat(value & 0xFFFF_FFFF_FFFFL).isBetween(now - 5_000, now + 5_000);
        assertThat((value >>> 48) & 0xE).isZero();
    }

    // ---- save, select, unknown -------------------------------------------------------------

    @Test
    void shouldRefuseToSaveAFeature() {
        ReceivedPdu resp = host.command(Sqes.setFeatures(host.cid(), Features.FID_KEEP_ALIVE_TIMER, 1000, true),
                null);
        assertThat(resp.cqeStatus()).isEqualTo(Status.FEATURE_NOT_SAVEABLE | Status.DNR);
        assertThat(dw0(get(Features.FID_KEEP_ALIVE_TIMER))).as("not applied").isZero();
    }

    @Test
    void shouldReportFeaturesAsChangeableButNotSaveable() {
        for (int fid : new int[] {Features.FID_NUMBER_OF_QUEUES, Features.FID_ASYNC_EVENT_CONFIG,
            Features.FID_KEEP_ALIVE_TIMER, Features.FID_TIMESTAMP}) {
            ReceivedPdu resp = host.command(Sqes.getFeatures(host.cid(), fid, 3), null);
            assertThat(resp.cqeStatus()).isZero();
            assertThat(dw0(resp)).as("FID 0x%02x", fid).isEqualTo(0x4);
        }
    }

    @Test
    void shouldRefuseUnknownFeatures() {
        for (int fid : new int[] {0x01, 0x02, 0x04, 0x08, 0x10, 0x80}) {
            assertThat(set(fid, 0).cqeStatus()).as("set FID 0x%02x", fid).isEqualTo(Status.INVALID_FIELD | Status.DNR);
            assertThat(get(fid).cqeStatus()).as("get FID 0x%02x", fid).isEqualTo(Status.INVALID_FIELD | Status.DNR);
        }
    }
}
