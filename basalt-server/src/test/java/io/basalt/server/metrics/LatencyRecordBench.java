package io.basalt.server.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.basalt.volume.IoObserver;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CPU one I/O's latency record costs its event loop: the Micrometer Timer the brick used per
 * volume and direction against {@link VolumeLatencies}, one thread, no JMH (so it runs anywhere the
 * test classes do). Latencies cycle through 4K values from 10 µs to ~1 ms, like a QD128 write load.
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -pl basalt-server -am \
 *     -Dmdep.outputFile=/tmp/server-cp.txt -Dmdep.includeScope=test
 * java -cp "basalt-server/target/test-classes:basalt-server/target/classes:$(cat /tmp/server-cp.txt)" \
 *     io.basalt.server.metrics.LatencyRecordBench [RECORDS=2000000] [ROUNDS=16]
 * </pre>
 * Prints the thread CPU ns per record of each round and the median of the second half (the first
 * warms the JIT up), for both recorders, alternating between them each round.
 */
public final class LatencyRecordBench {
    private LatencyRecordBench() {
    }

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        PrometheusMeterRegistry before = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer.Builder timer = Timer.builder("basalt.volume.latency").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .tags("volume", "v", "uuid", "u");
        Timer read = timer.tag("op", "read").register(before);
        Timer write = timer.tag("op", "write").register(before);
        IoObserver timers = (isWrite, bytes, nanos, ok) -> (isWrite ? write : read).record(nanos, TimeUnit.NANOSECONDS);
        PrometheusMeterRegistry after = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VolumeLatencies latencies = new VolumeLatencies(System::currentTimeMillis);
        after.getPrometheusRegistry().register(latencies);
        IoObserver arrays = latencies.add(List.of("uuid", "volume"), List.of("u", "v"));
        long[] latenciesNanos = new long[4096];
        for (int i = 0; i < latenciesNanos.length; i++) {
            latenciesNanos[i] = 10_000 + (long) i * 241;
        }
        long[] timerNs = new long[rounds];
        long[] arrayNs = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean timerFirst = r % 2 == 0;
            long a = cpuPerRecord(timerFirst ? timers : arrays, latenciesNanos, records);
            long b = cpuPerRecord(timerFirst ? arrays : timers, latenciesNanos, records);
            timerNs[r] = timerFirst ? a : b;
            arrayNs[r] = timerFirst ? b : a;
            System.out.printf("round %d: Timer %d ns, per-thread arrays %d ns CPU per record%n", r + 1, timerNs[r],
                    arrayNs[r]);
        }
        System.out.printf("median of rounds %d-%d: Timer %d ns, per-thread arrays %d ns CPU per record%n",
                rounds / 2 + 1, rounds, median(timerNs), median(arrayNs));
        // Keeps both registries' state observable so the JIT cannot drop the records.
        System.out.println(before.scrape().length() + after.scrape().length() > 0 ? "" : "empty");
    }

    private static long cpuPerRecord(IoObserver observer, long[] latenciesNanos, int records) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < records; i++) {
            observer.completed((i & 7) != 0, 4096, latenciesNanos[i & 4095], true);
        }
        return (threads.getCurrentThreadCpuTime() - start) / records;
    }

    private static long median(long[] perRound) {
        long[] secondHalf = Arrays.copyOfRange(perRound, perRound.length / 2, perRound.length);
        Arrays.sort(secondHalf);
        return secondHalf[secondHalf.length / 2];
    }
}
