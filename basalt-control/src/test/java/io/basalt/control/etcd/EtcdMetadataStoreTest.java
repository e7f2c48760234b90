package io.basalt.control.etcd;

import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import java.util.UUID;

/** The contract every store passes, against one real etcd member; each test under a prefix of its own. */
class EtcdMetadataStoreTest extends MetadataStoreContract {
    private static EtcdCluster etcd;
    private String root;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdCluster.start(1);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void prefixOfItsOwn(TestInfo test) {
        root = "/basalt-test/" + test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID() + "/";
    }

    @Override
    protected MetadataStore open() {
        return EtcdMetadataStore.connect(new EtcdSettings(etcd.endpoints(), root, EtcdSettings.OPERATION_TIMEOUT_DEFAULT));
    }
}
