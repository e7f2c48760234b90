package io.basalt.server.metrics;

import io.basalt.api.client.ApiClient;
import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.server.Brick;
import io.basalt.server.SyncIo;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
import io.basalt.control.volume.VolumeSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The brick's /metrics as an operator scrapes it, including after the JVM has collected garbage. */
class BrickMetricsTest {
    /** Every series the brick exports for itself and its engine pool (per-volume ones are tagged). */
    static final List<String> BRICK_SERIES = List.of("basalt_pool_capacity_bytes", "basalt_pool_free_bytes",
            "basalt_pool_provisioned_bytes", "basalt_pool_used_bytes", "basalt_pool_overcommit_ratio",
            "basalt_data_dir_size_bytes", "basalt_data_dir_free_bytes", "basalt_volumes", "basalt_controllers",
            "basalt_io_queues", "basalt_keepalive_expiries_total", "basalt_host_connects_total",
            "basalt_host_disconnects_total");
    static final List<String> ENGINE_SERIES = List.of("basalt_engine_segments", "basalt_engine_segments_free",
            "basalt_engine_usable_bytes", "basalt_engine_live_bytes", "basalt_engine_mapped_bytes",
            "basalt_engine_write_amplification", "basalt_engine_data_reduction", "basalt_engine_compression_ratio",
            "basalt_engine_dedup_ratio", "basalt_engine_host_written_total", "basalt_engine_device_written_total",
            "basalt_engine_gc_written_total", "basalt_engine_gc_segments_cleaned_total",
            "basalt_engine_checksum_errors_total", "basalt_engine_checkpoints_total",
            "basalt_engine_reads_in_place_total", "basalt_engine_read_submit_seconds");

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepEveryMetricReadableAfterAGarbageCollection() throws Exception {
        ServeConfig config = new ServeConfig(dataDir, new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse("name=e,size=8MiB,hosts=any,backend=engine")),
                new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null));
        try (Brick brick = Brick.start(config)) {
            byte[] block = new byte[64 * 1024];
            new Random(1).nextBytes(block);
            for (int i = 0; i < 16; i++) {
                ByteBuf data = Unpooled.wrappedBuffer(block);
                assertThat(SyncIo.submit(brick.target().subsystem().namespace(1).volume().store(), BlockIo.OP_WRITE,
                        (long) i * block.length, data)).isEqualTo(IoStatus.OK);
            }
            forceGarbageCollection();

            Map<String, Double> metrics = scrape(brick);

            assertThat(metrics.entrySet().stream().filter(e -> Double.isNaN(e.getValue())).map(Map.Entry::getKey))
                    .as("series that read NaN").isEmpty();
            assertThat(metrics.keySet().stream().map(BrickMetricsTest::name).distinct().toList())
                    .containsAll(BRICK_SERIES).containsAll(ENGINE_SERIES);
            assertThat(metrics.get("basalt_engine_host_written_total")).isGreaterThanOrEqualTo(16 * 64 * 1024);
            assertThat(metrics.get("basalt_engine_usable_bytes")).isPositive();
        }
    }

    @Test
    void shouldReportTheEnginePoolsCapacityNotItsFileSystems() throws Exception {
        ServeConfig config = new ServeConfig(dataDir, new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse("name=e,size=8MiB,hosts=any,backend=engine")),
                new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null));
        try (Brick brick = Brick.start(config)) {
            long usable = brick.pool().stats().usableBytes();
            long fileSystem = java.nio.file.Files.getFileStore(dataDir).getTotalSpace();

            Map<String, Double> metrics = scrape(brick);
            var capacity = api(brick).get("/api/v1/brick").json().get("capacity");

            assertThat(usable).isLessThan(fileSystem);
            assertThat(metrics.get("basalt_pool_capacity_bytes")).isEqualTo((double) usable);
            assertThat(capacity.get("totalBytes").asLong()).isEqualTo(usable);
            assertThat(capacity.get("freeBytes").asLong()).isPositive().isLessThanOrEqualTo(usable);
            assertThat(metrics.get("basalt_data_dir_size_bytes")).isEqualTo((double) fileSystem);
            assertThat(capacity.get("dataDirTotalBytes").asLong()).isEqualTo(fileSystem);
            assertThat(capacity.get("overcommitRatio").asDouble()).isEqualTo((double) (8 << 20) / usable);
        }
    }

    /** Runs the collector until an object only weakly reachable is gone: proof that a collection ran. */
    static void forceGarbageCollection() throws InterruptedException {
        WeakReference<Object> sentinel = new WeakReference<>(new Object());
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (int i = 0; i < 100 && sentinel.get() != null && System.nanoTime() < deadline; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(sentinel.get()).as("a garbage collection ran").isNull();
        System.gc();
    }

    /** Every sample of /metrics over HTTP, by series (name and tags), as Prometheus would read it. */
    static Map<String, Double> scrape(Brick brick) throws Exception {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : api(brick).get("/metrics").text().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static ApiClient api(Brick brick) {
        return new ApiClient(URI.create("http://127.0.0.1:" + brick.apiAddress().getPort()), null);
    }

    private static String name(String series) {
        int brace = series.indexOf('{');
        return brace < 0 ? series : series.substring(0, brace);
    }
}
