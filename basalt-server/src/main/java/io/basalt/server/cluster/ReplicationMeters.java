package io.basalt.server.cluster;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The brick's replication meters, per volume and replica brick: regions and bytes copied by resyncs
 * (what "only the changed blocks" is checked by), regions still to copy, and resyncs completed.
 * Prometheus names: {@code basalt_replication_resync_regions_total}, {@code ..._resync_bytes_total},
 * {@code ..._resync_remaining_regions}, {@code ..._resyncs_completed_total}.
 */
final class ReplicationMeters {
    private final Map<String, Resyncs> byReplica = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    /** One replica's counts. */
    static final class Resyncs {
        final AtomicLong regions = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong remaining = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
    }

    void bind(MeterRegistry registry) {
        this.registry = registry;
        byReplica.forEach((key, r) -> register(key, r));
    }

    Resyncs of(String volume, String brick) {
        return byReplica.computeIfAbsent(volume + "\n" + brick, key -> {
            Resyncs r = new Resyncs();
            if (registry != null) {
                register(key, r);
            }
            return r;
        });
    }

    private void register(String key, Resyncs r) {
        MeterRegistry m = registry;
        int cut = key.indexOf('\n');
        String volume = key.substring(0, cut);
        String brick = key.substring(cut + 1);
        FunctionCounter.builder("basalt.replication.resync.regions", r.regions, AtomicLong::get)
                .description("Changed regions copied to a returning replica").tags("volume", volume, "replica", brick)
                .register(m);
        FunctionCounter.builder("basalt.replication.resync.bytes", r.bytes, AtomicLong::get).baseUnit("bytes")
                .description("Bytes copied to a returning replica").tags("volume", volume, "replica", brick)
                .register(m);
        Gauge.builder("basalt.replication.resync.remaining.regions", r.remaining, AtomicLong::get)
                .description("Regions a replica still lacks").tags("volume", volume, "replica", brick)
                .register(m);
        FunctionCounter.builder("basalt.replication.resyncs.completed", r.completed, AtomicLong::get)
                .description("Resyncs that brought a replica back in sync").tags("volume", volume, "replica", brick)
                .register(m);
    }
}
