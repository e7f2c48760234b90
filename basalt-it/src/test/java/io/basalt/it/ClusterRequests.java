package io.basalt.it;

import io.basalt.control.etcd.EtcdProcess;

import java.time.Duration;

/**
 * The test's half of the {@link ClusterHandshake} of {@code cluster-multipath.sh}: on
 * {@code BASALT-CLUSTER etcd-restart} it kills etcd with SIGKILL, keeps it down past the bricks'
 * heartbeat lease, starts it again and waits until management answers; on
 * {@code BASALT-CLUSTER kill-leader} it kills the leading brick with SIGKILL and measures how long until
 * another brick leads. Answers {@code BASALT-CLUSTER-DONE ok DETAIL} or {@code BASALT-CLUSTER-DONE failed WHY}.
 */
final class ClusterRequests extends ClusterHandshake {
    private final TestCluster cluster;
    private volatile long leaderTakeoverMillis = -1;

    ClusterRequests(TestCluster cluster) {
        super("cluster");
        this.cluster = cluster;
    }

    @Override
    String act(String[] words) throws Exception {
        return switch (String.join(" ", words)) {
            case "etcd-restart" -> restartEtcd();
            case "kill-leader" -> killLeader();
            default -> throw new IllegalArgumentException("unknown request '" + String.join(" ", words) + "'");
        };
    }

    private String restartEtcd() throws Exception {
        EtcdProcess etcd = cluster.etcd().member(0);
        Duration leaseTtl = cluster.leaseTtl();
        etcd.kill();
        // Down for longer than the lease: every heartbeat expires while the bricks keep serving I/O.
        Thread.sleep(leaseTtl.toMillis() + 2_000);
        int status = api(0).status("/api/v1/volumes");
        if (status != 503) {
            throw new IllegalStateException("with etcd down, GET /api/v1/volumes answered " + status + ", not 503");
        }
        etcd.start();
        etcd.awaitHealthy();
        long start = System.nanoTime();
        TestCluster.await("management answers again", Duration.ofSeconds(30), () -> api(0).status("/api/v1/volumes") == 200);
        TestCluster.await("every brick active again", Duration.ofSeconds(30),
                () -> api(1).json("/api/v1/cluster").path("bricks").path("active").asInt() == cluster.bricks().size());
        return "management back " + (System.nanoTime() - start) / 1_000_000 + " ms after etcd";
    }

    private String killLeader() throws Exception {
        String leader = api(0).json("/api/v1/cluster").path("leader").asText();
        Duration leaseTtl = cluster.leaseTtl();
        int index = TestCluster.indexOf(leader);
        int other = (index + 1) % cluster.bricks().size();
        long start = System.nanoTime();
        cluster.bricks().get(index).stop(BrickProcess.Stop.KILL);
        TestCluster.await("a new leader", leaseTtl.plusSeconds(5), () -> {
            String now = api(other).json("/api/v1/cluster").path("leader").asText();
            return !now.isEmpty() && !now.equals("null") && !now.equals(leader);
        });
        leaderTakeoverMillis = (System.nanoTime() - start) / 1_000_000;
        return "leader " + leader + " killed; brick b" + (other + 1) + " saw a new leader after "
                + leaderTakeoverMillis + " ms (lease TTL " + leaseTtl.toMillis() + " ms)";
    }

    private TestCluster.Api api(int brick) {
        return cluster.api(brick);
    }

    long leaderTakeoverMillis() {
        return leaderTakeoverMillis;
    }
}
