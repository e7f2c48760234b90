package io.basalt.control.etcd;

import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract every store passes, against one real etcd member; each test under a prefix of its own. */
class EtcdMetadataStoreTest extends MetadataStoreContract {
    @RegisterExtension
    static final EtcdMembers etcd = EtcdMembers.of(1);

    @Override
    protected MetadataStore open() {
        return etcd.open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT);
    }
}
