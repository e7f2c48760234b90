package io.basalt.control.etcd;

import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreContract;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.Watch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract against a 3-member etcd cluster, and a member's death under a running watch. */
class EtcdClusterMetadataStoreTest extends MetadataStoreContract {
    @RegisterExtension
    static final EtcdMembers etcd = EtcdMembers.of(3);

    @Override
    protected MetadataStore open() {
        return etcd.open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT);
    }

    /** Creates the key, retrying while etcd is unavailable; a conflict means an earlier try took effect. */
    private static void create(MetadataStore store, String key) throws Exception {
        EtcdFaultsTest.retryUntilAvailable(() -> {
            try {
                store.put(key, Map.of(), MetadataStore.ABSENT);
            } catch (RevisionConflictException appliedBefore) {
                // The try that timed out was committed.
            }
        });
    }

    @Test
    void shouldKeepWritingAndWatchingWithoutAGapWhenAMemberIsKilled() throws Exception {
        try (MetadataStore store = open()) {
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            Watch watch = store.watch(MetadataKeys.VOLUMES, store.revision(), seen::add);
            try {
                int n = 0;
                for (int member = 0; member < 3; member++) {
                    store.put("volumes/v" + n++, Map.of(), MetadataStore.ABSENT);
                    etcd.member(member).kill();
                    // Two of three keep the quorum: writes go on through the survivors, once they
                    // have elected a leader if the dead one led (until then calls time out).
                    create(store, "volumes/v" + n++);
                    create(store, "volumes/v" + n++);
                    etcd.member(member).start();
                    etcd.member(member).awaitHealthy();
                }
                store.put("volumes/last", Map.of(), MetadataStore.ABSENT);

                String[] expected = new String[n + 1];
                for (int i = 0; i < n; i++) {
                    expected[i] = "volumes/v" + i;
                }
                expected[n] = "volumes/last";
                assertThat(take(seen, n + 1)).extracting(MetadataEvent::key).containsExactly(expected);
                store.put("volumes/marker", Map.of(), MetadataStore.ABSENT);
                assertThat(take(seen, 1)).as("no change twice: the next one is the marker")
                        .extracting(MetadataEvent::key).containsExactly("volumes/marker");
            } finally {
                watch.close();
            }
        }
    }
}
