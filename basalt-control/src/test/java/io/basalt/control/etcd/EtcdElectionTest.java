package io.basalt.control.etcd;

import io.basalt.control.cluster.Candidacy;
import io.basalt.control.cluster.Lease;
import io.basalt.control.cluster.Leader;
import io.basalt.control.cluster.LeadershipListener;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Leader election between bricks (one store each) against a real etcd. */
class EtcdElectionTest {
    private static final Duration TTL = EtcdLeaseTest.TTL;
    private static final String ELECTION = "cluster-leader";
    @RegisterExtension
    static final EtcdMembers etcd = EtcdMembers.of(1);

    private EtcdMetadataStore open() {
        return etcd.open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT);
    }

    /** What a candidate heard, in order. */
    private static final class Heard implements LeadershipListener {
        final CompletableFuture<Leader> elected = new CompletableFuture<>();
        final CompletableFuture<String> deposed = new CompletableFuture<>();
        volatile long electedAt;

        @Override
        public void onElected(Leader leader) {
            electedAt = System.nanoTime();
            elected.complete(leader);
        }

        @Override
        public void onDeposed(Leader leader, String reason) {
            deposed.complete(reason);
        }
    }

    /**
     * Two bricks campaign; one leads and both stores say so. The leader dies (its client closes
     * without revoking): the other leads within the TTL plus etcd's expiry check. Prints the takeover.
     */
    @RepeatedTest(2)
    void shouldElectOneLeaderAndTheOtherWithinTheTtlWhenTheLeaderDies() throws Exception {
        try (EtcdMetadataStore b = open()) {
            EtcdMetadataStore a = open();
            Heard heardA = new Heard();
            Heard heardB = new Heard();
            Lease leaseA = a.grantLease(TTL, (l, why) -> { });
            Lease leaseB = b.grantLease(TTL, (l, why) -> { });
            Candidacy candidacyA = a.campaign(ELECTION, "brick-a", leaseA, heardA);
            Candidacy candidacyB = b.campaign(ELECTION, "brick-b", leaseB, heardB);

            Leader first = heardA.elected.get(5, TimeUnit.SECONDS);
            assertThat(first.candidate()).isEqualTo("brick-a");
            assertThat(candidacyA.leadership()).contains(first);
            assertThat(candidacyB.leadership()).isEmpty();
            assertThat(heardB.elected).as("one leader at a time").isNotDone();
            assertThat(b.leader(ELECTION)).contains(first);
            assertThat(a.leader(ELECTION)).contains(first);

            long killed = System.nanoTime();
            a.close();
            Leader second = heardB.elected.get(TTL.toMillis() + 5000, TimeUnit.MILLISECONDS);
            long takeoverMillis = TimeUnit.NANOSECONDS.toMillis(heardB.electedAt - killed);
            System.out.println("leader takeover: " + takeoverMillis + " ms after the leader died (lease TTL "
                    + TTL.toMillis() + " ms)");

            assertThat(second.candidate()).isEqualTo("brick-b");
            assertThat(second.term()).as("a new leader has a greater term").isGreaterThan(first.term());
            assertThat(candidacyB.leadership()).contains(second);
            assertThat(b.leader(ELECTION)).contains(second);
            assertThat(takeoverMillis).isLessThanOrEqualTo(TTL.toMillis() + EtcdLeaseTest.SLACK_MILLIS);
        }
    }

    @Test
    void shouldHandLeadershipOnAtOnceWhenTheLeaderResigns() throws Exception {
        try (EtcdMetadataStore a = open(); EtcdMetadataStore b = open()) {
            Heard heardA = new Heard();
            Heard heardB = new Heard();
            Candidacy candidacyA = a.campaign(ELECTION, "brick-a", a.grantLease(TTL, (l, why) -> { }), heardA);
            b.campaign(ELECTION, "brick-b", b.grantLease(TTL, (l, why) -> { }), heardB);
            heardA.elected.get(5, TimeUnit.SECONDS);

            long resigned = System.nanoTime();
            candidacyA.close();
            heardB.elected.get(TTL.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(TimeUnit.NANOSECONDS.toMillis(heardB.electedAt - resigned)).as("no wait for a TTL")
                    .isLessThan(TTL.toMillis());
            assertThat(heardA.deposed).as("resigning is not being deposed").isNotDone();
        }
    }

    @Test
    void shouldDeposeALeaderWhoseLeaseIsRevoked() throws Exception {
        try (EtcdMetadataStore a = open(); EtcdMetadataStore b = open();
             Client raw = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build()) {
            Heard heardA = new Heard();
            Heard heardB = new Heard();
            Lease leaseA = a.grantLease(TTL, (l, why) -> { });
            Candidacy candidacyA = a.campaign(ELECTION, "brick-a", leaseA, heardA);
            b.campaign(ELECTION, "brick-b", b.grantLease(TTL, (l, why) -> { }), heardB);
            heardA.elected.get(5, TimeUnit.SECONDS);

            raw.getLeaseClient().revoke(leaseA.id()).get(5, TimeUnit.SECONDS);

            assertThat(heardA.deposed.get(TTL.toMillis() + EtcdLeaseTest.SLACK_MILLIS, TimeUnit.MILLISECONDS))
                    .isNotEmpty();
            assertThat(candidacyA.leadership()).isEmpty();
            assertThat(heardB.elected.get(TTL.toMillis(), TimeUnit.MILLISECONDS).candidate()).isEqualTo("brick-b");
        }
    }

    @Test
    void shouldTellObserversWhoLeads() throws Exception {
        try (EtcdMetadataStore a = open(); EtcdMetadataStore b = open(); EtcdMetadataStore watcher = open()) {
            BlockingQueue<Optional<Leader>> seen = new LinkedBlockingQueue<>();
            watcher.observeLeader(ELECTION, seen::add);
            assertThat(seen.poll(5, TimeUnit.SECONDS)).as("no one runs yet").isEmpty();

            Heard heardA = new Heard();
            Candidacy candidacyA = a.campaign(ELECTION, "brick-a", a.grantLease(TTL, (l, why) -> { }), heardA);
            b.campaign(ELECTION, "brick-b", b.grantLease(TTL, (l, why) -> { }), new Heard());
            assertThat(seen.poll(5, TimeUnit.SECONDS)).get().extracting(Leader::candidate).isEqualTo("brick-a");
            candidacyA.close();
            assertThat(seen.poll(5, TimeUnit.SECONDS)).get().extracting(Leader::candidate).isEqualTo("brick-b");
            assertThat(watcher.leader(ELECTION)).get().extracting(Leader::candidate).isEqualTo("brick-b");
        }
    }
}
