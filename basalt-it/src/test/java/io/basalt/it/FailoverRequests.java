package io.basalt.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.ApiException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The test's half of the {@link ClusterHandshake} of {@code cluster-failover.sh}: the guest prints
 * {@code BASALT-CLUSTER <request> <volume>} while its fio runs and waits for the answer.
 *
 * <ul>
 *   <li>{@code kill-primary V}: SIGKILL to V's primary brick; answers {@code ms=N} once another brick is
 *       primary as seen by a live brick, N counted from the kill.
 *   <li>{@code restart-killed V}: starts the bricks killed so far again (same ports, same data) and waits
 *       until V is healthy with every replica in sync; answers {@code regions=N}, the regions V's primary
 *       copied to them meanwhile (its {@value #RESYNC_METRIC}); then waits until every volume is healthy.
 *   <li>{@code freeze-primary V}: SIGSTOP to V's primary, SIGCONT once another brick is primary;
 *       answers {@code ms=N}.
 *   <li>{@code verify V}: waits until V is healthy, then has the cluster compare V's replicas; ok only
 *       if they are identical.
 *   <li>{@code heal}: starts every dead brick and waits until every volume is healthy.
 * </ul>
 */
final class FailoverRequests extends ClusterHandshake {
    static final String RESYNC_METRIC = "basalt_replication_resync_regions_total";
    /** A new primary must show up well within this after a kill or a freeze; the goal is 5 s of I/O pause. */
    static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(30);
    /** A restarted brick must have caught up and rejoined within this. */
    static final Duration HEALTHY_LIMIT = Duration.ofSeconds(60);

    private final TestCluster cluster;
    private final List<String> volumes;
    private final List<BrickProcess> killed = new ArrayList<>();
    private final List<Long> takeoverMillis = new CopyOnWriteArrayList<>();

    FailoverRequests(TestCluster cluster, List<String> volumes) {
        super("failover");
        this.cluster = cluster;
        this.volumes = List.copyOf(volumes);
    }

    @Override
    String act(String[] words) throws Exception {
        return switch (words[0]) {
            case "kill-primary" -> killPrimary(volume(words));
            case "restart-killed" -> restartKilled(volume(words));
            case "freeze-primary" -> freezePrimary(volume(words));
            case "verify" -> verify(volume(words));
            case "heal" -> heal();
            default -> throw new IllegalArgumentException("unknown request '" + String.join(" ", words) + "'");
        };
    }

    private String volume(String[] words) {
        if (words.length != 2 || !volumes.contains(words[1])) {
            throw new IllegalArgumentException("expected '" + words[0] + " <one of " + volumes + ">'");
        }
        return words[1];
    }

    private String killPrimary(String volume) throws Exception {
        String primary = primaryOf(volume);
        BrickProcess brick = cluster.brick(primary);
        long start = System.nanoTime();
        brick.stop(BrickProcess.Stop.KILL);
        killed.add(brick);
        String next = awaitOtherPrimary(volume, primary);
        long millis = (System.nanoTime() - start) / 1_000_000;
        takeoverMillis.add(millis);
        return "ms=" + millis + " killed=" + primary + " primary=" + next;
    }

    private String restartKilled(String volume) throws Exception {
        if (killed.isEmpty()) {
            throw new IllegalStateException("no brick was killed");
        }
        String primary = primaryOf(volume);
        List<String> names = killed.stream().map(BrickProcess::name).toList();
        if (names.contains(primary)) {
            startKilled();
            throw new IllegalStateException(volume + "'s primary is still " + primary + ", which was killed: "
                    + "no failover happened (" + names + " started again)");
        }
        // The counter lives in the primary's process: count what it copies from now on.
        long before = resyncRegions(primary, volume);
        startKilled();
        long start = System.nanoTime();
        awaitHealthy(volume);
        long healthyMillis = (System.nanoTime() - start) / 1_000_000;
        String after = primaryOf(volume);
        if (!after.equals(primary)) {
            throw new IllegalStateException("the primary moved from " + primary + " to " + after
                    + " while " + names + " caught up: its resync count cannot be read");
        }
        long regions = resyncRegions(primary, volume) - before;
        // The restarted bricks hold replicas of the other volumes too: the next step starts from a whole cluster.
        for (String other : volumes) {
            awaitHealthy(other);
        }
        return "regions=" + regions + " restarted=" + String.join(",", names) + " healthy-after-ms=" + healthyMillis;
    }

    private void startKilled() throws IOException, InterruptedException {
        for (BrickProcess b : killed) {
            b.start();
        }
        killed.clear();
    }

    private String freezePrimary(String volume) throws Exception {
        String primary = primaryOf(volume);
        BrickProcess brick = cluster.brick(primary);
        if (!brick.isAlive()) {
            throw new IllegalStateException(volume + "'s primary " + primary + " is not running: nothing to freeze");
        }
        long start = System.nanoTime();
        brick.freeze();
        String next;
        try {
            next = awaitOtherPrimary(volume, primary);
        } finally {
            brick.resume();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        takeoverMillis.add(millis);
        return "ms=" + millis + " frozen=" + primary + " primary=" + next;
    }

    private String verify(String volume) throws Exception {
        awaitHealthy(volume);
        JsonNode result = liveApi().client().post("/api/v1/volumes/" + volume + "/verify", Map.of()).json();
        if (!result.path("identical").asBoolean(false)) {
            throw new IllegalStateException("the replicas of " + volume + " differ: " + result);
        }
        return "identical";
    }

    private String heal() throws Exception {
        List<String> started = new ArrayList<>();
        for (BrickProcess b : cluster.bricks()) {
            if (b.isFrozen()) {
                b.resume();
            }
            if (!b.isAlive()) {
                b.start();
                started.add(b.name());
            }
        }
        killed.clear();
        for (String v : volumes) {
            awaitHealthy(v);
        }
        return "restarted=" + (started.isEmpty() ? "none" : String.join(",", started)) + " healthy=" + volumes;
    }

    private String awaitOtherPrimary(String volume, String old) throws Exception {
        String[] now = {old};
        TestCluster.await("a primary other than " + old + " for " + volume, TAKEOVER_LIMIT, () -> {
            now[0] = placement(volume).path("primary").asText();
            return !now[0].isEmpty() && !now[0].equals(old);
        });
        return now[0];
    }

    private void awaitHealthy(String volume) throws Exception {
        JsonNode[] last = {null};
        try {
            TestCluster.await(volume + " healthy with every replica in sync", HEALTHY_LIMIT, () -> {
                last[0] = placement(volume);
                return isHealthy(last[0]);
            });
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; last placement " + last[0], e);
        }
    }

    static boolean isHealthy(JsonNode placement) {
        if (!placement.path("health").asText().equals("healthy") || placement.path("replicas").isEmpty()) {
            return false;
        }
        for (JsonNode r : placement.path("replicas")) {
            if (!r.path("inSync").asBoolean(false)) {
                return false;
            }
        }
        return true;
    }

    private String primaryOf(String volume) {
        JsonNode placement = placement(volume);
        String primary = placement.path("primary").asText();
        if (primary.isEmpty()) {
            throw new IllegalStateException("no live brick shows a primary for " + volume + ": " + placement);
        }
        return primary;
    }

    /** The volume's placement as a live brick shows it (a missing node while none answers). */
    private JsonNode placement(String volume) {
        return liveApi().json("/api/v1/volumes/" + volume).path("placement");
    }

    /** A brick that runs and is not frozen: a frozen one would hold the request until the client gives up. */
    private TestCluster.Api liveApi() {
        for (int i = 0; i < cluster.bricks().size(); i++) {
            BrickProcess b = cluster.bricks().get(i);
            if (b.isAlive() && !b.isFrozen()) {
                return cluster.api(i);
            }
        }
        throw new IllegalStateException("no brick is running");
    }

    /** The sum of the resync counter's series for {@code volume} on brick {@code brickName}'s /metrics. */
    private long resyncRegions(String brickName, String volume) throws IOException {
        String text;
        try {
            text = cluster.api(TestCluster.indexOf(brickName)).client().get("/metrics").text();
        } catch (ApiException e) {
            throw new IllegalStateException(brickName + " answered GET /metrics with " + e.status(), e);
        }
        return PrometheusText.sum(text, RESYNC_METRIC, Map.of("volume", volume));
    }

    /** From each kill or freeze to another primary shown by a live brick, in milliseconds. */
    List<Long> takeoverMillis() {
        return List.copyOf(takeoverMillis);
    }
}
