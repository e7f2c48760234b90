package io.basalt.server.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The latency series as Prometheus scrapes them: what the Micrometer Timer exported, at a lower cost. */
class VolumeLatenciesTest {
    /** Latencies around and on bucket bounds, below the first and above the last. */
    static final long[] LATENCIES = {0, 1, 9_999, 10_000, 10_001, 10_921, 10_922, 12_286, 89_478, 1_000_000,
            2_000_000, 7_158_278, 123_456_789, 9_999_999_999L, 10_000_000_000L, 10_000_000_001L, 60_000_000_000L,
            -5};
    static final String WRITE = "basalt_volume_latency_seconds_bucket{op=\"write\",uuid=\"u-1\",volume=\"v1\"";
    static final String COUNT = "basalt_volume_latency_seconds_count{op=\"write\",";

    @Test
    void shouldExportWhatTheMicrometerTimerExported() {
        PrometheusMeterRegistry before = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer.Builder timer = Timer.builder("basalt.volume.latency")
                .description("Read and write latency, arrival to completion").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10));
        Timer beforeRead = timer.tags("volume", "v1", "uuid", "u-1", "op", "read").register(before);
        Timer beforeWrite = timer.tags("volume", "v1", "uuid", "u-1", "op", "write").register(before);
        PrometheusMeterRegistry after = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VolumeLatencies latencies = new VolumeLatencies(System::currentTimeMillis);
        after.getPrometheusRegistry().register(latencies);
        VolumeLatencies.VolumeLatency volume = latencies.add(List.of("uuid", "volume"), List.of("u-1", "v1"));

        for (int i = 0; i < LATENCIES.length; i++) {
            for (int repeat = 0; repeat <= i % 3; repeat++) {
                beforeWrite.record(LATENCIES[i], TimeUnit.NANOSECONDS);
                volume.completed(true, 4096, LATENCIES[i], true);
            }
            if (i % 2 == 0) {
                beforeRead.record(LATENCIES[i] / 3, TimeUnit.NANOSECONDS);
                volume.completed(false, 4096, LATENCIES[i] / 3, i % 4 == 0);
            }
        }

        List<String> expected = latencyLines(before.scrape());
        assertThat(expected).as("the Timer's exposition").hasSizeGreaterThan(2 * 70);
        assertThat(latencyLines(after.scrape())).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void shouldExportNothingOnceTheLastVolumeIsRemoved() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VolumeLatencies latencies = new VolumeLatencies(System::currentTimeMillis);
        registry.getPrometheusRegistry().register(latencies);
        VolumeLatencies.VolumeLatency volume = latencies.add(List.of("uuid", "volume"), List.of("u-1", "v1"));
        volume.completed(true, 4096, 50_000, true);

        latencies.remove(volume);

        assertThat(latencyLines(registry.scrape())).isEmpty();
    }

    @RepeatedTest(10)
    void shouldSumEveryThreadsRecordsWhileBeingScraped() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VolumeLatencies latencies = new VolumeLatencies(System::currentTimeMillis);
        registry.getPrometheusRegistry().register(latencies);
        VolumeLatencies.VolumeLatency volume = latencies.add(List.of("uuid", "volume"), List.of("u-1", "v1"));
        int threads = 4;
        int perThread = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> recorders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        volume.completed(true, 4096, LATENCIES[i % 10], true);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    done.countDown();
                }
            });
            thread.start();
            recorders.add(thread);
        }
        start.countDown();
        double lastCount = 0;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.await(0, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
            double count = sample(registry.scrape(), COUNT);
            assertThat(count).as("a cumulative count never goes back").isGreaterThanOrEqualTo(lastCount);
            lastCount = count;
        }
        for (Thread thread : recorders) {
            thread.join(30_000);
        }
        assertThat(failure.get()).isNull();

        String text = registry.scrape();
        long total = (long) threads * perThread;
        long sumNanos = 0;
        for (int i = 0; i < perThread; i++) {
            sumNanos += LATENCIES[i % 10];
        }
        assertThat(sample(text, COUNT)).isEqualTo(total);
        assertThat(sample(text, WRITE + ",le=\"+Inf\"}")).isEqualTo(total);
        // LATENCIES[0..3] are at most 10 µs, the first bound.
        assertThat(sample(text, WRITE + ",le=\"1.0E-5\"}")).isEqualTo(total / 10 * 4);
        assertThat(sample(text, "basalt_volume_latency_seconds_sum{op=\"write\","))
                .isCloseTo(threads * sumNanos / 1e9, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(sample(text, "basalt_volume_latency_seconds_max{op=\"write\",")).isEqualTo(0.001);
    }

    @Test
    void shouldAllocateNothingPerRecord() throws Exception {
        VolumeLatencies latencies = new VolumeLatencies(System::currentTimeMillis);
        VolumeLatencies.VolumeLatency volume = latencies.add(List.of("uuid", "volume"), List.of("u-1", "v1"));
        long[] perRecord = new long[1];
        Thread loop = new Thread(() -> {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().threadId();
            int count = 2_000_000;
            long before = 0;
            for (int i = 0; i < count; i++) {
                if (i == count / 2) {
                    before = threads.getThreadAllocatedBytes(thread);
                }
                volume.completed((i & 1) == 0, 4096, 20_000 + (i & 0xFFFF), true);
            }
            perRecord[0] = (threads.getThreadAllocatedBytes(thread) - before) * 1000 / (count / 2);
        });
        loop.start();
        loop.join();
        assertThat(perRecord[0]).as("heap bytes allocated per 1000 records").isLessThan(8);
    }

    /** The HELP, TYPE and sample lines of the latency series, without the tags' order. */
    static List<String> latencyLines(String scrape) {
        return scrape.lines().filter(l -> l.contains("basalt_volume_latency")).toList();
    }

    /** The value of the one sample whose line starts with {@code prefix} (labels in Prometheus's order). */
    static double sample(String scrape, String prefix) {
        List<String> lines = scrape.lines().filter(l -> l.startsWith(prefix)).toList();
        assertThat(lines).as(prefix).hasSize(1);
        String line = lines.getFirst();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
