package io.basalt.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches, during one fault, when each volume's record first names a primary other than the one it
 * had when the fault began: polls every 100 ms on its own thread, so a restart that blocks the test
 * for seconds does not blur the failover time. It never asks the faulted brick (a frozen one would
 * hold the request), only the others.
 */
final class PrimaryWatch implements AutoCloseable {
    private static final long POLL_MILLIS = 100;

    private final TestCluster cluster;
    private final String faulted;
    private final Map<String, String> before;
    private final long startNanos;
    private final Map<String, Long> changedAfterMillis = new ConcurrentHashMap<>();
    private final Map<String, String> changedTo = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param before each volume's primary just before the fault, which starts now
     */
    PrimaryWatch(TestCluster cluster, String faulted, Map<String, String> before) {
        this.cluster = cluster;
        this.faulted = faulted;
        this.before = Map.copyOf(before);
        this.startNanos = System.nanoTime();
        this.thread = Thread.ofPlatform().daemon().name("primary-watch").start(this::poll);
    }

    /** Each volume's primary as a running brick other than {@code avoid} shows it ("" when none answers). */
    static Map<String, String> primaries(TestCluster cluster, List<String> volumes, String avoid) {
        Map<String, String> out = new HashMap<>();
        TestCluster.Api api = otherThan(cluster, avoid);
        for (String v : volumes) {
            out.put(v, api == null ? "" : placement(api, v).path("primary").asText());
        }
        return out;
    }

    static com.fasterxml.jackson.databind.JsonNode placement(TestCluster.Api api, String volume) {
        return api.json("/api/v1/volumes/" + volume).path("placement");
    }

    /** A running, unfrozen brick other than {@code avoid}, or null. */
    static TestCluster.Api otherThan(TestCluster cluster, String avoid) {
        for (BrickProcess b : cluster.bricks()) {
            if (!b.name().equals(avoid) && b.isAlive() && !b.isFrozen()) {
                return cluster.api(TestCluster.indexOf(b.name()));
            }
        }
        return null;
    }

    private void poll() {
        while (running) {
            long now = System.nanoTime();
            Map<String, String> seen = primaries(cluster, List.copyOf(before.keySet()), faulted);
            for (Map.Entry<String, String> e : seen.entrySet()) {
                String was = before.get(e.getKey());
                if (!e.getValue().isEmpty() && !e.getValue().equals(was) && !changedAfterMillis.containsKey(e.getKey())) {
                    changedAfterMillis.put(e.getKey(), (now - startNanos) / 1_000_000);
                    changedTo.put(e.getKey(), e.getValue());
                }
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Milliseconds from the fault to the first poll that showed another primary for {@code volume}, or null. */
    Long failoverMillis(String volume) {
        return changedAfterMillis.get(volume);
    }

    /** The primary that {@code volume} moved to, or null if it did not move. */
    String newPrimary(String volume) {
        return changedTo.get(volume);
    }

    @Override
    public void close() throws InterruptedException {
        // no interrupt: it could land inside a request; a poll of a running brick ends within its timeout
        running = false;
        thread.join(65_000);
    }
}
