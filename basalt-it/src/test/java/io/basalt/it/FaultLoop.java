package io.basalt.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The faults of {@link ReplicationFaultLoopIT}, drawn from a seeded {@link Random}: which brick, which
 * kind, how long. Each {@link #next} hurts one brick and brings it back (restarted or resumed) before it
 * returns, so at most one brick is ever down or frozen; the caller waits for health in between.
 */
final class FaultLoop {
    private final TestCluster cluster;
    private final List<String> volumes;
    private final Random random;
    private final List<Fault> done = new ArrayList<>();

    FaultLoop(TestCluster cluster, List<String> volumes, Random random) {
        this.cluster = cluster;
        this.volumes = List.copyOf(volumes);
        this.random = random;
    }

    /** One fault as it happened. */
    static final class Fault {
        final ReplicationFaultLoopIT.Kind kind;
        final String brick;
        /** Kill to restart, or freeze to resume, in milliseconds; 0 for a clean stop and restart. */
        final long downMillis;
        /** The volumes whose primary the brick was when the fault began. */
        final List<String> primaryOf = new ArrayList<>();
        /** Per volume the brick led: fault to another primary in the record, null if none came. */
        final Map<String, Long> failoverMillis = new LinkedHashMap<>();
        final Map<String, String> newPrimary = new LinkedHashMap<>();
        long healthyMillis;
        private PrimaryWatch watch;

        Fault(ReplicationFaultLoopIT.Kind kind, String brick, long downMillis) {
            this.kind = kind;
            this.brick = brick;
            this.downMillis = downMillis;
        }

        /** Stops watching and keeps what the watch saw. */
        void closeWatch() throws InterruptedException {
            if (watch == null) {
                return;
            }
            watch.close();
            for (String v : primaryOf) {
                failoverMillis.put(v, watch.failoverMillis(v));
                newPrimary.put(v, watch.newPrimary(v));
            }
            watch = null;
        }

        String describe() {
            StringBuilder b = new StringBuilder(switch (kind) {
                case KILL -> "kill -9 " + brick + ", restart after " + downMillis + " ms";
                case FREEZE -> "SIGSTOP " + brick + " for " + downMillis + " ms";
                case STOP -> "clean stop and restart of " + brick;
            });
            if (primaryOf.isEmpty()) {
                b.append(" (primary of nothing)");
            }
            for (String v : primaryOf) {
                Long ms = failoverMillis.get(v);
                b.append(" (primary of ").append(v).append(!failoverMillis.containsKey(v) ? ")" : ms == null
                        ? ": stayed primary)" : ": " + newPrimary.get(v) + " took over after " + ms + " ms)");
            }
            return b.toString();
        }
    }

    /**
     * Hurts a brick in a random way and brings it back; returns the fault, still being watched. Half the
     * time the brick is a volume's primary: failovers pile the primaries onto one brick, and a loop of
     * uniformly random bricks would then mostly hurt secondaries.
     */
    Fault next() throws Exception {
        ReplicationFaultLoopIT.Kind kind = ReplicationFaultLoopIT.Kind.values()[random.nextInt(3)];
        Map<String, String> before = PrimaryWatch.primaries(cluster, volumes, "");
        String primary = before.get(volumes.get(random.nextInt(volumes.size())));
        boolean atPrimary = random.nextBoolean();
        String name = atPrimary && !primary.isEmpty() ? primary : "b" + (1 + random.nextInt(cluster.bricks().size()));
        long downMillis = switch (kind) {
            case KILL -> 2_000 + random.nextInt(4_001);
            case FREEZE -> 1_000 + random.nextInt(7_001);
            case STOP -> 0;
        };
        Fault fault = new Fault(kind, name, downMillis);
        before.forEach((v, p) -> {
            if (p.equals(name)) {
                fault.primaryOf.add(v);
            }
        });
        BrickProcess brick = cluster.brick(name);
        System.out.println("=== fault " + (done.size() + 1) + " begins: " + fault.describe() + "; primaries " + before);
        fault.watch = new PrimaryWatch(cluster, name, before);
        switch (kind) {
            case KILL -> {
                brick.stop(BrickProcess.Stop.KILL);
                Thread.sleep(downMillis); // the outage itself, not a wait for a condition
                brick.start();
            }
            case FREEZE -> {
                brick.freeze();
                try {
                    Thread.sleep(downMillis);
                } finally {
                    brick.resume();
                }
            }
            case STOP -> brick.restart(BrickProcess.Stop.TERM);
        }
        done.add(fault);
        return fault;
    }

    List<Fault> done() {
        return List.copyOf(done);
    }

    /** Per kind: how many, how many hit a primary, fault to new primary and back to healthy (p50, max). */
    static String summary(List<Fault> faults) {
        StringBuilder b = new StringBuilder("=== fault loop: " + faults.size() + " faults");
        for (ReplicationFaultLoopIT.Kind kind : ReplicationFaultLoopIT.Kind.values()) {
            List<Long> failovers = new ArrayList<>();
            List<Long> healthy = new ArrayList<>();
            int count = 0;
            int onPrimary = 0;
            int stayed = 0;
            for (Fault f : faults) {
                if (f.kind != kind) {
                    continue;
                }
                count++;
                healthy.add(f.healthyMillis);
                onPrimary += f.primaryOf.isEmpty() ? 0 : 1;
                for (Long ms : f.failoverMillis.values()) {
                    if (ms == null) {
                        stayed++;
                    } else {
                        failovers.add(ms);
                    }
                }
            }
            b.append("\n  ").append(kind).append(": ").append(count).append(" (").append(onPrimary)
                    .append(" on a primary); fault to new primary ").append(ClusterFailoverIT.percentiles(failovers))
                    .append(stayed == 0 ? "" : ", " + stayed + " time(s) the primary stayed")
                    .append("; back to healthy ").append(ClusterFailoverIT.percentiles(healthy));
        }
        return b.toString();
    }
}
