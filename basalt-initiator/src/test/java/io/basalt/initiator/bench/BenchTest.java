package io.basalt.initiator.bench;

import io.basalt.engine.ram.RamBlockStore;
import io.basalt.initiator.testing.DelayedStore;
import io.basalt.initiator.testing.InProcessTarget;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.volume.Volume;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BenchTest {
    private static final long DELAY_MILLIS = 2_500;

    private static BenchSettings randread(InProcessTarget target, int nsid, int runtimeSeconds) {
        return new BenchSettings(target.address(), InProcessTarget.SUBNQN, BenchCommand.HOST_NQN_DEFAULT, nsid,
                BenchSettings.Pattern.randread, 100, 4096, 4, 1, runtimeSeconds, 0, 4L << 20, 0, false, null, false,
                false, false, 0, null, false);
    }

    @Test
    void shouldCountCommandsThatCompleteAfterTheMeasuredTime() throws Exception {
        try (InProcessTarget target = new InProcessTarget()) {
            // The 10th read is issued well within the 1 s run and held back 2.5 s: it completes while bench drains.
            DelayedStore slow = new DelayedStore(new RamBlockStore(4L << 20, 512), 10, DELAY_MILLIS);
            target.subsystem().addNamespace(new Namespace(new Volume(2, "slow", UUID.nameUUIDFromBytes(new byte[] {2}), slow,
                    HostAccess.any())));
            StringWriter out = new StringWriter();

            BenchReport report = new Bench(randread(target, 2, 1), new PrintWriter(out, true)).run();

            assertThat(report.errors()).as(out.toString()).isZero();
            assertThat(report.read().ops()).as("every read the target served").isEqualTo(slow.servedReads());
            assertThat(report.read().latency().getTotalCount()).isEqualTo(report.read().ops());
            assertThat(report.read().latency().getMaxValue()).as("the held-back read's latency")
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS));
            assertThat(report.seconds()).as("the run lasted until its last completion")
                    .isGreaterThanOrEqualTo(DELAY_MILLIS / 1e3);
        }
    }
}
