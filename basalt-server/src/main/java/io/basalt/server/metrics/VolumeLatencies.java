package io.basalt.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.basalt.volume.IoObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * {@code basalt_volume_latency_seconds} (a histogram per volume and {@code op}) and its
 * {@code _max} gauge, as the Prometheus registry collects them. They used to be a Micrometer Timer per
 * series, whose every record read the wall clock twice, searched ~70 bucket bounds and updated
 * shared atomics — a tenth of the event loop's CPU per 4 KiB write at QD128. Now each I/O thread
 * counts into arrays of its own and this collector sums them per scrape; the exposition (names,
 * labels, help, bucket bounds, count, sum) is what the Timer produced.
 */
final class VolumeLatencies implements MultiCollector {
    static final String NAME = "basalt_volume_latency_seconds";
    static final String HELP = "Read and write latency, arrival to completion";

    private final LatencyBuckets buckets = new LatencyBuckets();
    private final LongSupplier wallClockMillis;
    private final List<VolumeLatency> volumes = new CopyOnWriteArrayList<>();

    VolumeLatencies(LongSupplier wallClockMillis) {
        this.wallClockMillis = wallClockMillis;
    }

    /** Starts a volume's read and write series; its tags as label names and values, sorted by name. */
    VolumeLatency add(List<String> labelNames, List<String> labelValues) {
        VolumeLatency v = new VolumeLatency(series(labelNames, labelValues, "read"),
                series(labelNames, labelValues, "write"));
        volumes.add(v);
        return v;
    }

    private LatencySeries series(List<String> names, List<String> values, String op) {
        Labels labels = Labels.of(names, values).merge(new String[]{"op"}, new String[]{op});
        return new LatencySeries(buckets, labels, wallClockMillis);
    }

    void remove(VolumeLatency v) {
        volumes.remove(v);
    }

    @Override
    public MetricSnapshots collect() {
        if (volumes.isEmpty()) {
            return MetricSnapshots.of();
        }
        List<HistogramDataPointSnapshot> histograms = new ArrayList<>();
        List<GaugeDataPointSnapshot> maxima = new ArrayList<>();
        for (VolumeLatency v : volumes) {
            for (LatencySeries s : v.series()) {
                histograms.add(s.histogram());
                maxima.add(s.max());
            }
        }
        return MetricSnapshots.of(new HistogramSnapshot(false, new MetricMetadata(NAME, HELP, null), histograms),
                new GaugeSnapshot(new MetricMetadata(NAME + "_max", HELP, null), maxima));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(NAME, NAME + "_max");
    }

    /** A volume's two series, fed by its exported volume's completions. */
    record VolumeLatency(LatencySeries read, LatencySeries write) implements IoObserver {
        @Override
        public void completed(boolean isWrite, int bytes, long latencyNanos, boolean ok) {
            (isWrite ? write : read).record(latencyNanos);
        }

        List<LatencySeries> series() {
            return List.of(read, write);
        }
    }
}
