package io.basalt.server.metrics;

import io.basalt.engine.pool.Pool;
import io.basalt.engine.pool.PoolStats;
import io.basalt.server.volume.PoolCapacity;
import io.basalt.server.volume.VolumeManager;
import io.basalt.server.volume.Volume;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.transport.TransportErrors;
import io.basalt.volume.IoCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The brick's Prometheus metrics. Per-volume counters are read from the exported volume's own
 * {@link IoCounters} when scraped (nothing extra on the data path); latency goes into
 * {@link VolumeLatencies}, fed by the volume's {@link io.basalt.volume.IoObserver}: counts in arrays of
 * the completing thread's own, summed when scraped.
 * Every per-volume series carries {@code volume} (name) and {@code uuid} tags.
 */
public final class BrickMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Integer, List<Meter>> volumeMeters = new HashMap<>();
    private final VolumeLatencies latencies = new VolumeLatencies(System::currentTimeMillis);
    private final Map<Integer, VolumeLatencies.VolumeLatency> volumeLatencies = new HashMap<>();
    private final Counter hostConnects;
    private final Counter hostDisconnects;
    /**
     * Micrometer holds the objects its gauges and function counters read only weakly: without these
     * references the snapshots are collected at the first GC, their gauges read NaN and their
     * counters freeze.
     */
    private final List<Snapshot<?>> snapshots = new ArrayList<>();

    public BrickMetrics(Path dataDir, VolumeManager volumes, ControllerRegistry controllers) {
        Snapshot<PoolCapacity> capacity = keep(new Snapshot<>(() -> PoolCapacity.of(volumes, dataDir)));
        gauge("basalt.pool.capacity", "bytes", capacity, c -> c.get(PoolCapacity::totalBytes));
        gauge("basalt.pool.free", "bytes", capacity, c -> c.get(PoolCapacity::freeBytes));
        gauge("basalt.pool.provisioned", "bytes", capacity, c -> c.get(PoolCapacity::provisionedBytes));
        gauge("basalt.pool.used", "bytes", capacity, c -> c.get(PoolCapacity::usedBytes));
        gauge("basalt.pool.overcommit.ratio", null, capacity, c -> c.get(PoolCapacity::overcommitRatio));
        gauge("basalt.data.dir.size", "bytes", capacity, c -> c.get(PoolCapacity::dataDirTotalBytes));
        gauge("basalt.data.dir.free", "bytes", capacity, c -> c.get(PoolCapacity::dataDirFreeBytes));
        gauge("basalt.volumes", null, volumes, v -> v.online().size());
        gauge("basalt.controllers", null, controllers,
                r -> r.controllers().stream().filter(c -> !c.isDiscovery()).count());
        gauge("basalt.io.queues", null, controllers,
                r -> r.controllers().stream().mapToInt(Controller::ioQueueCount).sum());
        FunctionCounter.builder("basalt.keepalive.expiries", controllers, ControllerRegistry::keepAliveExpiries)
                .description("Controllers torn down because the host stopped sending keep-alives")
                .register(registry);
        hostConnects = Counter.builder("basalt.host.connects").description("Admin queue Connects accepted")
                .register(registry);
        hostDisconnects = Counter.builder("basalt.host.disconnects").description("Controllers torn down")
                .register(registry);
        registry.getPrometheusRegistry().register(latencies);
    }

    private synchronized <T> Snapshot<T> keep(Snapshot<T> snapshot) {
        snapshots.add(snapshot);
        return snapshot;
    }

    private <T> void gauge(String name, String unit, T obj, ToDoubleFunction<T> f) {
        Gauge.Builder<T> b = Gauge.builder(name, obj, f).strongReference(true);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    /**
     * Registers the storage engine's pool metrics: space, cleaning and integrity. The pool is asked
     * for one snapshot per scrape at most once a second (each is a hop onto the engine thread).
     */
    public void registerEngine(Supplier<Pool> pool) {
        Snapshot<PoolStats> snap = keep(new Snapshot<>(() -> {
            Pool p = pool.get();
            try {
                return p == null ? null : p.stats();
            } catch (IOException e) {
                return null;
            }
        }));
        gauge("basalt.engine.segments", null, snap, e -> e.get(PoolStats::segments));
        gauge("basalt.engine.segments.free", null, snap, e -> e.get(PoolStats::freeSegments));
        gauge("basalt.engine.usable", "bytes", snap, e -> e.get(PoolStats::usableBytes));
        gauge("basalt.engine.live", "bytes", snap, e -> e.get(PoolStats::liveBytes));
        gauge("basalt.engine.mapped", "bytes", snap, e -> e.get(PoolStats::mappedBytes));
        gauge("basalt.engine.write.amplification", null, snap, e -> e.get(PoolStats::writeAmplification));
        // Logical bytes mapped per payload byte stored: compression and dedup together.
        gauge("basalt.engine.data.reduction", null, snap,
                e -> e.get(st -> st.liveBytes() == 0 ? 1 : (double) st.mappedBytes() / st.liveBytes()));
        gauge("basalt.engine.compression.ratio", null, snap, e -> e.get(PoolStats::compressionRatio));
        gauge("basalt.engine.dedup.ratio", null, snap, e -> e.get(PoolStats::dedupRatio));
        engineCounter("basalt.engine.host.written", "Payload bytes hosts wrote since the pool opened", snap,
                PoolStats::hostBytesWritten);
        engineCounter("basalt.engine.device.written", "Log bytes written to devices since the pool opened", snap,
                PoolStats::deviceBytesWritten);
        engineCounter("basalt.engine.gc.written", "Bytes the cleaner copied since the pool opened", snap,
                PoolStats::gcBytesWritten);
        engineCounter("basalt.engine.gc.segments.cleaned", "Segments the cleaner freed since the pool opened", snap,
                PoolStats::segmentsCleaned);
        engineCounter("basalt.engine.checksum.errors", "Blocks that failed their CRC32C on read", snap,
                PoolStats::checksumErrors);
        engineCounter("basalt.engine.reads.in_place",
                "Reads whose data the device wrote straight into the host's buffer, with no copy"
                        + " (basalt.engine.readInPlace)", snap,
                PoolStats::readsInPlace);
        // What one device read's hand-off to the kernel costs here: above 10 µs (a VM's doorbell) the
        // reader submits once per engine turn instead of per read (docs/configuration.md).
        gauge("basalt.engine.read.submit", "seconds", snap, e -> e.get(st -> st.readSubmitNanos() / 1e9));
        engineCounter("basalt.engine.checkpoints", "Checkpoints written since the pool opened", snap,
                PoolStats::checkpoints);
    }

    private void engineCounter(String name, String description, Snapshot<PoolStats> snap,
                               ToDoubleFunction<PoolStats> f) {
        FunctionCounter.builder(name, snap, e -> e.get(f)).description(description).register(registry);
    }

    /**
     * The latest measurement, taken at most once a second however many series read it (a pool's
     * statistics are a hop onto its engine thread); NaN while there is none (no pool open).
     */
    static final class Snapshot<T> {
        private final Supplier<T> source;
        private T value;
        private long takenNanos;

        Snapshot(Supplier<T> source) {
            this.source = source;
        }

        synchronized double get(ToDoubleFunction<T> f) {
            long now = System.nanoTime();
            if (value == null || now - takenNanos > 1_000_000_000L) {
                try {
                    value = source.get();
                } catch (RuntimeException e) {
                    value = null;
                }
                takenNanos = now;
            }
            return value == null ? Double.NaN : f.applyAsDouble(value);
        }
    }

    public void hostConnected() {
        hostConnects.increment();
    }

    public void hostDisconnected() {
        hostDisconnects.increment();
    }

    /** Registers (or re-registers, after a rename) a volume's meters and hooks its latency observer. */
    public synchronized void register(Volume v) {
        unregister(v.metadata().nsid());
        Namespace ns = v.namespace();
        if (ns == null) {
            return;
        }
        Tags tags = Tags.of("volume", v.metadata().name(), "uuid", v.metadata().uuid().toString());
        List<Meter> meters = new ArrayList<>();
        var exported = ns.volume();
        IoCounters io = exported.counters();
        meters.add(counter("basalt.volume.reads", "Read commands completed", tags, io, IoCounters::readCommands));
        meters.add(counter("basalt.volume.writes", "Write commands completed", tags, io, IoCounters::writeCommands));
        meters.add(counter("basalt.volume.read.bytes", "Bytes read", tags, io, IoCounters::bytesRead));
        meters.add(counter("basalt.volume.written.bytes", "Bytes written", tags, io, IoCounters::bytesWritten));
        meters.add(counter("basalt.volume.errors", "Reads and writes that failed in the store", tags, io,
                IoCounters::errors));
        meters.add(counter("basalt.volume.throttled", "Commands QoS delayed", tags, io,
                IoCounters::throttledCommands));
        meters.add(Gauge.builder("basalt.volume.size", exported, e -> e.blocks() * (double) e.blockSize())
                .baseUnit("bytes").tags(tags).register(registry));
        meters.add(Gauge.builder("basalt.volume.physical", exported, e -> e.store().allocatedBytes())
                .baseUnit("bytes").tags(tags).register(registry));
        VolumeLatencies.VolumeLatency latency = latencies.add(List.of("uuid", "volume"),
                List.of(v.metadata().uuid().toString(), v.metadata().name()));
        exported.setObserver(latency);
        volumeLatencies.put(v.metadata().nsid(), latency);
        volumeMeters.put(v.metadata().nsid(), meters);
    }

    private FunctionCounter counter(String name, String description, Tags tags, IoCounters io,
                                    ToDoubleFunction<IoCounters> f) {
        return FunctionCounter.builder(name, io, f).description(description).tags(tags).register(registry);
    }

    public synchronized void unregister(int nsid) {
        List<Meter> meters = volumeMeters.remove(nsid);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
        VolumeLatencies.VolumeLatency latency = volumeLatencies.remove(nsid);
        if (latency != null) {
            latencies.remove(latency);
        }
    }

    /**
     * Registers the target's fatal transport errors as basalt_transport_fatal_errors_total, one
     * series per reason (the C2HTermReq's fatal error status): a rising count is a broken or
     * hostile host, whose log lines the target rate-limits.
     */
    public void registerTransport(TransportErrors errors) {
        for (TransportErrors.Reason reason : TransportErrors.Reason.values()) {
            FunctionCounter.builder("basalt.transport.fatal.errors", errors, e -> e.fatalErrors(reason))
                    .description("Connections ended with a C2HTermReq, by fatal error status")
                    .tag("reason", reason.tag()).register(registry);
        }
    }

    /** The Prometheus text exposition. */
    /**
     * A cluster brick's gauges: basalt_cluster_leader (1 while it leads), basalt_cluster_metadata_reachable
     * (0 while its agent cannot read etcd) and basalt_cluster_bricks{state} as the agent last saw them.
     */
    public void registerCluster(java.util.function.BooleanSupplier leader, java.util.function.BooleanSupplier reachable,
                                Supplier<int[]> bricksByState) {
        Gauge.builder("basalt.cluster.leader", leader, l -> l.getAsBoolean() ? 1 : 0)
                .description("1 while this brick leads the cluster").strongReference(true).register(registry);
        Gauge.builder("basalt.cluster.metadata.reachable", reachable, r -> r.getAsBoolean() ? 1 : 0)
                .description("0 while the brick cannot read the cluster's metadata (etcd)").strongReference(true)
                .register(registry);
        io.basalt.control.topology.BrickState[] states = io.basalt.control.topology.BrickState.values();
        for (int i = 0; i < states.length; i++) {
            int index = i;
            Gauge.builder("basalt.cluster.bricks", bricksByState, s -> s.get()[index])
                    .description("The cluster's bricks by state").tag("state", states[i].label()).strongReference(true)
                    .register(registry);
        }
    }

    /** The registry, for the parts of the brick that keep meters of their own (replication). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }
}
