package io.basalt.control.etcd;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Real etcd members for a test class: started before its tests, stopped after them, every member
 * running again at the start of each test (a test may kill or stop one), and each test given a key
 * prefix of its own so tests never see each other's keys.
 * {@code @RegisterExtension static final EtcdMembers etcd = EtcdMembers.of(1);}
 */
public final class EtcdMembers implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final int size;
    private EtcdCluster cluster;
    private String root;

    private EtcdMembers(int size) {
        this.size = size;
    }

    /** A cluster of {@code size} members (1 or 3). */
    public static EtcdMembers of(int size) {
        return new EtcdMembers(size);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = EtcdCluster.start(size);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        root = "/basalt-test/" + context.getRequiredTestMethod().getName() + "-" + UUID.randomUUID() + "/";
        for (EtcdProcess m : cluster.members()) {
            if (!m.isRunning()) {
                m.start();
                m.awaitHealthy();
            }
        }
    }

    public EtcdProcess member(int index) {
        return cluster.member(index);
    }

    public List<URI> endpoints() {
        return cluster.endpoints();
    }

    /** The current test's settings: its own key prefix, the given deadline. */
    public EtcdSettings settings(Duration deadline) {
        return new EtcdSettings(cluster.endpoints(), root, deadline);
    }

    /** A store under the current test's key prefix, with the default deadline. */
    public EtcdMetadataStore open() {
        return open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT);
    }

    public EtcdMetadataStore open(Duration deadline) {
        return EtcdMetadataStore.connect(settings(deadline));
    }
}
