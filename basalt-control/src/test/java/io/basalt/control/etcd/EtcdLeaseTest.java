package io.basalt.control.etcd;

import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataStore;
import io.basalt.control.cluster.Lease;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.basalt.control.MetadataStoreContract.take;
import static org.assertj.core.api.Assertions.assertThat;

/** Leases against a real etcd: kept alive, conservative about their validity, told when lost. */
class EtcdLeaseTest {
    static final Duration TTL = Duration.ofSeconds(2);
    /** etcd checks expiry every 500 ms; the rest is delivery and a loaded 2-core machine. */
    static final long SLACK_MILLIS = 1500;
    @RegisterExtension
    static final EtcdMembers etcd = EtcdMembers.of(1);

    private EtcdMetadataStore open() {
        return etcd.open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT);
    }

    /**
     * A brick registers under a lease and dies (its client closes without revoking): the entry
     * outlives several TTLs while kept alive, then goes within TTL + slack of the death, and never
     * before the validity the holder last computed.
     */
    @RepeatedTest(2)
    void shouldDeleteALeasedEntryWithinItsTtlOnceItsHolderStops() throws Exception {
        try (EtcdMetadataStore observer = open()) {
            EtcdMetadataStore holder = open();
            Lease lease = holder.grantLease(TTL, (l, why) -> { });
            assertThat(lease.ttl()).isEqualTo(TTL);
            holder.put("bricks/b1", Map.of("address", "127.0.0.1:4420"), MetadataStore.ABSENT, lease);
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            observer.watch("bricks/", observer.revision(), seen::add);

            // Kept alive: still there after 2 TTLs, and valid for a while yet.
            assertThat(seen.poll(2 * TTL.toMillis(), TimeUnit.MILLISECONDS)).as("no change while kept alive").isNull();
            assertThat(observer.get("bricks/b1")).isPresent();
            assertThat(lease.validUntilNanos() - System.nanoTime()).as("validity renewed")
                    .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(TTL.toMillis() / 3));

            long validUntil = lease.validUntilNanos();
            long stopped = System.nanoTime();
            holder.close();
            MetadataEvent gone = take(seen, 1).getFirst();
            long goneAt = System.nanoTime();

            assertThat(gone.type()).isEqualTo(MetadataEvent.Type.DELETE);
            assertThat(gone.key()).isEqualTo("bricks/b1");
            assertThat(goneAt - validUntil).as("etcd kept the lease at least as long as the holder counted on")
                    .isGreaterThanOrEqualTo(0);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(goneAt - stopped);
            System.out.println("leased entry gone " + tookMillis + " ms after its holder stopped (TTL " + TTL.toMillis()
                    + " ms)");
            assertThat(tookMillis).isLessThanOrEqualTo(TTL.toMillis() + SLACK_MILLIS);
        }
    }

    @Test
    void shouldTellTheHolderWhenEtcdRevokesItsLease() throws Exception {
        try (EtcdMetadataStore holder = open();
             Client raw = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build()) {
            CompletableFuture<String> lost = new CompletableFuture<>();
            // Not about expiry: a TTL long enough that a loaded machine's slow first keep-alive
            // cannot lose the lease before etcd revokes it.
            Duration ttl = Duration.ofSeconds(6);
            Lease lease = holder.grantLease(ttl, (l, why) -> lost.complete(why));
            holder.put("bricks/b1", Map.of(), MetadataStore.ABSENT, lease);

            raw.getLeaseClient().revoke(lease.id()).get(5, TimeUnit.SECONDS);

            assertThat(lost.get(ttl.toMillis() / 3 + SLACK_MILLIS, TimeUnit.MILLISECONDS)).as("told at the next keep-alive")
                    .contains("expired or was revoked");
            assertThat(lease.isLost()).isTrue();
            assertThat(lease.validUntilNanos()).isLessThanOrEqualTo(System.nanoTime());
            assertThat(holder.get("bricks/b1")).isEmpty();
        }
    }

    /** etcd unreachable: the holder gives the lease up when its validity runs out, not before, not much after. */
    @Test
    void shouldLoseTheLeaseAtItsValidityWhenEtcdIsUnreachable() throws Exception {
        try (EtcdMetadataStore holder = open()) {
            CompletableFuture<Long> lostAt = new CompletableFuture<>();
            Lease lease = holder.grantLease(TTL, (l, why) -> lostAt.complete(System.nanoTime()));

            etcd.member(0).kill();
            long validUntil = lease.validUntilNanos();
            long at = lostAt.get(TTL.toMillis() + SLACK_MILLIS, TimeUnit.MILLISECONDS);

            assertThat(at - validUntil).as("not lost before its validity ran out").isGreaterThanOrEqualTo(0);
            assertThat(TimeUnit.NANOSECONDS.toMillis(at - validUntil)).as("lost promptly at its end")
                    .isLessThan(TTL.toMillis());
            assertThat(lease.isLost()).isTrue();
        } finally {
            etcd.member(0).start();
            etcd.member(0).awaitHealthy();
        }
    }

    @Test
    void shouldRevokeOnCloseSoItsEntriesGoAtOnce() throws Exception {
        try (EtcdMetadataStore holder = open()) {
            Lease lease = holder.grantLease(Duration.ofSeconds(30), (l, why) -> { });
            holder.put("bricks/b1", Map.of(), MetadataStore.ABSENT, lease);

            lease.close();

            assertThat(holder.get("bricks/b1")).isEmpty();
            assertThat(lease.isLost()).isTrue();
        }
    }
}
