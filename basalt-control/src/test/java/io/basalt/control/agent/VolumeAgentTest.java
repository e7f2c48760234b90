package io.basalt.control.agent;

import io.basalt.control.HostList;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.cluster.Lease;
import io.basalt.control.local.LocalMetadataStore;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.placement.DomainRequirement;
import io.basalt.control.topology.Replicas;
import io.basalt.control.volume.Backend;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.control.volume.DataServices;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The brick agent against a fake brick: what it changes on the brick for each difference between
 * the cluster's records and what the brick holds. The records live in a local metadata store, which
 * has the same watch and compare-and-set semantics as the cluster's etcd store.
 */
class VolumeAgentTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;
    private MetadataStore cluster;
    private final FakeBrick brick = new FakeBrick();
    private final FakeAuthority authority = new FakeAuthority();
    private VolumeAgent<FakeVolume> agent;

    @BeforeEach
    void openStore() throws MetadataStoreException {
        cluster = LocalMetadataStore.openDataDir(dir);
    }

    @AfterEach
    void close() {
        if (agent != null) {
            agent.close();
        }
        cluster.close();
    }

    @Test
    void shouldCreateAVolumePlacedHereAndMakeItsPathOptimizedOnItsPrimaryOnly() throws Exception {
        VolumeMetadata db = record("db", 2 * GIB, List.of("b1", "b2"));

        start("b1");

        assertThat(brick.uuidOf("db")).isEqualTo(db.uuid());
        assertThat(brick.get("db").metadata().nsid()).as("the cluster's NSID is kept").isEqualTo(db.nsid());
        assertThat(brick.calls()).contains("placed db", "exported db", "path db optimized");
        assertThat(agent.reconciles()).isEqualTo(1);
        assertThat(agent.lastFailure()).isNull();
    }

    @Test
    void shouldMakeAReplicasPathInaccessible() throws Exception {
        record("db", 2 * GIB, List.of("b1", "b2"));

        start("b2");

        assertThat(brick.get("db")).isNotNull();
        assertThat(brick.calls()).contains("path db inaccessible").doesNotContain("path db optimized");
    }

    @Test
    void shouldLeaveAloneAVolumePlacedOnOtherBricks() throws Exception {
        record("db", 2 * GIB, List.of("b1", "b2"));

        start("b3");

        assertThat(brick.list()).isEmpty();
        assertThat(brick.calls()).doesNotContain("placed db", "exported db");
    }

    @Test
    void shouldDeleteALocalVolumeTheClusterNoLongerPlacesHere() throws Exception {
        brick.hold(metadata("gone", 7, UUID.randomUUID(), GIB));

        start("b1");

        assertThat(brick.list()).isEmpty();
        assertThat(brick.calls()).contains("delete gone", "removed 7");
    }

    @Test
    void shouldReplaceALocalVolumeOfTheSameNameButAnotherUuid() throws Exception {
        VolumeMetadata db = record("db", 2 * GIB, List.of("b1"));
        brick.hold(metadata("db", 9, UUID.randomUUID(), 2 * GIB));

        start("b1");

        assertThat(brick.uuidOf("db")).as("the cluster deleted and re-created it: a new volume").isEqualTo(db.uuid());
        assertThat(brick.calls()).containsSubsequence("delete db", "create db");
    }

    @Test
    void shouldGrowRemaskRelimitAndRelabelAVolumeToMatchItsRecord() throws Exception {
        VolumeMetadata db = record("db", 2 * GIB, List.of("b1"));
        brick.hold(metadata("db", db.nsid(), db.uuid(), GIB));

        start("b1");

        VolumeMetadata now = brick.get("db").metadata();
        assertThat(now.sizeBytes()).isEqualTo(2 * GIB);
        assertThat(now.hosts()).isEqualTo(db.hosts());
        assertThat(now.qosPolicy()).isEqualTo("gold");
        assertThat(now.labels()).isEqualTo(db.labels());
        assertThat(brick.calls()).doesNotContain("create db", "delete db");
    }

    @Test
    void shouldNeverShrinkALocalVolume() throws Exception {
        VolumeMetadata db = record("db", GIB, List.of("b1"));
        brick.hold(metadata("db", db.nsid(), db.uuid(), 2 * GIB).withSizeAndHosts(2 * GIB, db.hosts())
                .withQosPolicy("gold").withLabels(db.labels()));

        start("b1");

        assertThat(brick.get("db").metadata().sizeBytes()).isEqualTo(2 * GIB);
        assertThat(brick.calls()).noneMatch(c -> c.startsWith("grow"));
    }

    @Test
    void shouldTakeTheClustersQosPoliciesAndDeleteTheOnesItDropped() throws Exception {
        cluster.put(MetadataKeys.qosPolicy("gold"), Map.of("read-iops", "1000"), MetadataStore.ABSENT);
        brick.policies.add("bronze");

        start("b1");

        assertThat(brick.calls()).contains("take policy gold", "delete policy bronze");
        assertThat(brick.policyNames()).containsExactly("gold");
    }

    @Test
    void shouldCarryOutARecordWrittenAfterItStarted() throws Exception {
        start("b1");
        VolumeMetadata db = record("db", GIB, List.of("b1"));

        awaitTrue(() -> db.uuid().equals(brick.uuidOf("db")), "the new volume created on this brick");
    }

    @Test
    void shouldTurnItsPrimaryPathsInaccessibleWhenItsAuthorityLapsesAndBackWhenItReturns() throws Exception {
        record("db", GIB, List.of("b1", "b2"));
        start("b1");
        assertThat(brick.lastPathState("db")).isEqualTo("optimized");

        authority.valid = false;
        awaitTrue(() -> "inaccessible".equals(brick.lastPathState("db")), "the primary's path inaccessible");

        authority.valid = true;
        awaitTrue(() -> "optimized".equals(brick.lastPathState("db")), "the primary's path optimized again");
    }

    private void start(String name) {
        agent = new VolumeAgent<>(name, cluster, brick, brick, brick, authority);
        agent.start();
    }

    /** Records a volume with hosts, a QoS policy and labels, placed on {@code bricks} (the first is its primary). */
    private VolumeMetadata record(String name, long size, List<String> bricks) throws MetadataStoreException {
        VolumeMetadata v = metadata(name, 3, UUID.randomUUID(), size)
                .withSizeAndHosts(size, HostList.of(Set.of("nqn.2026-01.io.basalt:host-a")))
                .withQosPolicy("gold").withLabels(Map.of("team", "db"));
        cluster.put(MetadataKeys.volume(name), ClusterVolume.fields(v, Replicas.placed(bricks), DomainRequirement.ANY), MetadataStore.ABSENT);
        return v;
    }

    private static VolumeMetadata metadata(String name, int nsid, UUID uuid, long size) {
        return new VolumeMetadata(name, nsid, uuid, size, 4096, Backend.ENGINE, HostList.none(),
                DataServices.ENGINE_DEFAULT);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
            Thread.sleep(10);
        }
    }

    record FakeVolume(VolumeMetadata metadata) implements LocalVolume {
    }

    /** A brick that holds volumes as records and logs every change asked of it. */
    static final class FakeBrick implements LocalVolumes<FakeVolume>, LocalPolicies, BrickDuties<FakeVolume> {
        private final Map<String, FakeVolume> volumes = new TreeMap<>();
        private final List<String> calls = new ArrayList<>();
        final TreeSet<String> policies = new TreeSet<>();

        synchronized void hold(VolumeMetadata m) {
            volumes.put(m.name(), new FakeVolume(m));
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }

        synchronized UUID uuidOf(String name) {
            FakeVolume v = volumes.get(name);
            return v == null ? null : v.metadata().uuid();
        }

        synchronized String lastPathState(String name) {
            String prefix = "path " + name + " ";
            return calls.reversed().stream().filter(c -> c.startsWith(prefix)).findFirst()
                    .map(c -> c.substring(prefix.length())).orElse(null);
        }

        private FakeVolume change(String call, VolumeMetadata after) {
            calls.add(call);
            FakeVolume v = new FakeVolume(after);
            volumes.put(after.name(), v);
            return v;
        }

        private VolumeMetadata existing(String name) throws VolumeException {
            FakeVolume v = volumes.get(name);
            if (v == null) {
                throw VolumeException.notFound("no volume '" + name + "'");
            }
            return v.metadata();
        }

        @Override
        public synchronized List<FakeVolume> list() {
            return List.copyOf(volumes.values());
        }

        @Override
        public synchronized FakeVolume get(String name) {
            return volumes.get(name);
        }

        @Override
        public synchronized FakeVolume create(VolumeMetadata wanted) {
            return change("create " + wanted.name(), wanted);
        }

        @Override
        public synchronized FakeVolume rename(String name, String newName) throws VolumeException {
            VolumeMetadata m = existing(name);
            volumes.remove(name);
            return change("rename " + name + " " + newName, m.withName(newName));
        }

        @Override
        public synchronized FakeVolume grow(String name, long newSize) throws VolumeException {
            VolumeMetadata m = existing(name);
            return change("grow " + name + " " + newSize, m.withSizeAndHosts(newSize, m.hosts()));
        }

        @Override
        public synchronized FakeVolume setHosts(String name, HostList hosts) throws VolumeException {
            VolumeMetadata m = existing(name);
            return change("hosts " + name + " " + hosts, m.withSizeAndHosts(m.sizeBytes(), hosts));
        }

        @Override
        public synchronized FakeVolume setQosPolicy(String name, String policy) throws VolumeException {
            return change("qos " + name + " " + policy, existing(name).withQosPolicy(policy));
        }

        @Override
        public synchronized FakeVolume setLabels(String name, Map<String, String> labels) throws VolumeException {
            return change("labels " + name + " " + labels, existing(name).withLabels(labels));
        }

        @Override
        public synchronized void delete(String name) throws VolumeException {
            existing(name);
            volumes.remove(name);
            calls.add("delete " + name);
        }

        @Override
        public synchronized void pathState(FakeVolume local, boolean primary) {
            calls.add("path " + local.metadata().name() + " " + (primary ? "optimized" : "inaccessible"));
        }

        @Override
        public synchronized void members(List<BrickDirectory.Member> members) {
            calls.add("members " + members.size());
        }

        @Override
        public synchronized List<String> policyNames() {
            return List.copyOf(policies);
        }

        @Override
        public synchronized void takePolicy(String name) {
            calls.add("take policy " + name);
            policies.add(name);
        }

        @Override
        public synchronized void deletePolicy(String name) {
            calls.add("delete policy " + name);
            policies.remove(name);
        }

        @Override
        public synchronized void placed(ClusterVolume v, Map<String, BrickDirectory.Member> members) {
            calls.add("placed " + v.name());
        }

        @Override
        public synchronized void applied(Map<String, ClusterVolume> placedHere) {
            calls.add("applied " + new TreeSet<>(placedHere.keySet()));
        }

        @Override
        public synchronized void exported(FakeVolume local) {
            calls.add("exported " + local.metadata().name());
        }

        @Override
        public synchronized void removed(int nsid) {
            calls.add("removed " + nsid);
        }
    }

    /** Holds or lacks the authority to serve as primary, as the test says; no lease behind it. */
    static final class FakeAuthority implements ServingAuthority {
        volatile boolean valid = true;

        @Override
        public boolean valid() {
            return valid;
        }

        @Override
        public Lease beginReconcile() {
            return null;
        }

        @Override
        public void confirm(Lease lease) {
        }
    }
}
