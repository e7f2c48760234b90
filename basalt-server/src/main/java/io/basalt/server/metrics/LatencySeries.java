package io.basalt.server.metrics;

import io.micrometer.core.instrument.util.TimeUtils;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One latency series (a volume and a direction). Recording costs a thread-local lookup, a bucket
 * index and three plain stores into the calling thread's own {@link ThreadLatencyRecorder}: no
 * clock read, lock, atomic or allocation. The threads' shares are summed only when scraped.
 * Recorders of threads that end stay, so the cumulative counts never go back.
 */
final class LatencySeries {
    private final LatencyBuckets buckets;
    private final Labels labels;
    private final long createdMillis;
    private final CopyOnWriteArrayList<ThreadLatencyRecorder> recorders = new CopyOnWriteArrayList<>();
    private final ThreadLocal<ThreadLatencyRecorder> mine = ThreadLocal.withInitial(this::newRecorder);
    private final WindowMax max;

    LatencySeries(LatencyBuckets buckets, Labels labels, LongSupplier wallClockMillis) {
        this.buckets = buckets;
        this.labels = labels;
        this.createdMillis = wallClockMillis.getAsLong();
        this.max = new WindowMax(wallClockMillis);
    }

    private ThreadLatencyRecorder newRecorder() {
        ThreadLatencyRecorder r = new ThreadLatencyRecorder(buckets.count());
        recorders.add(r);
        return r;
    }

    /** Records one latency; negative values (a clock that went back) are ignored, as a Timer did. */
    void record(long nanos) {
        if (nanos >= 0) {
            mine.get().record(buckets.indexOf(nanos), nanos);
        }
    }

    /** The histogram as of now: buckets (seconds, per bucket as the model wants), count, sum. */
    HistogramDataPointSnapshot histogram() {
        long[] counts = new long[buckets.count() + 1];
        long sumNanos = 0;
        for (ThreadLatencyRecorder r : recorders) {
            r.addCountsTo(counts);
            sumNanos += r.sumNanos();
        }
        double[] bounds = new double[counts.length];
        for (int i = 0; i < buckets.count(); i++) {
            bounds[i] = TimeUtils.nanosToUnit(buckets.bound(i), TimeUnit.SECONDS);
        }
        bounds[buckets.count()] = Double.POSITIVE_INFINITY;
        return new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(bounds, counts),
                TimeUtils.nanosToUnit(sumNanos, TimeUnit.SECONDS), labels, Exemplars.EMPTY, createdMillis);
    }

    /** The largest latency of the last window (about a minute), in seconds. */
    GaugeDataPointSnapshot max() {
        long harvested = 0;
        for (ThreadLatencyRecorder r : recorders) {
            harvested = Math.max(harvested, r.takeMax());
        }
        return new GaugeDataPointSnapshot(TimeUtils.nanosToUnit(max.recordAndPoll(harvested), TimeUnit.SECONDS),
                labels, null);
    }
}
