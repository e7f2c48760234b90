package io.basalt.server.volume;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.local.LocalMetadataStore;
import io.basalt.volume.qos.QosLimits;
import io.basalt.control.volume.DataDirException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named QoS policies: a typed view of the {@link MetadataStore}'s {@link MetadataKeys#QOS_POLICIES}
 * records (on a single brick, one {@code DATA_DIR/qos-policies/NAME.properties} each).
 */
public final class QosPolicyStore {
    public static final String DIR_NAME = "qos-policies";
    private static final String[] KEYS = {"read-iops", "write-iops", "read-bytes-per-second",
            "write-bytes-per-second", "iops-per-gib"};

    /** A named set of limits. */
    public record Policy(String name, QosLimits limits) {
    }

    private final MetadataStore store;

    private QosPolicyStore(MetadataStore store) {
        this.store = store;
    }

    /** The policies of a data dir, through a local store of its own. */
    public static QosPolicyStore load(Path dataDir) throws DataDirException {
        try {
            return load(LocalMetadataStore.openDataDir(dataDir));
        } catch (MetadataStoreException e) {
            throw MetadataRecords.failed(e);
        }
    }

    /** The policies the store holds; a damaged one fails here, at start, rather than when it is used. */
    public static QosPolicyStore load(MetadataStore store) throws DataDirException {
        try {
            for (MetadataEntry e : store.list(MetadataKeys.QOS_POLICIES).entries()) {
                try {
                    fromFields(e.fields());
                } catch (IllegalArgumentException x) {
                    throw new DataDirException(store.locate(e.key()) + " is damaged: " + x.getMessage());
                }
            }
        } catch (MetadataStoreException e) {
            throw MetadataRecords.failed(e);
        }
        return new QosPolicyStore(store);
    }

    /** The policies of a store as they are, read on every call (a cluster's, which other bricks change). */
    public static QosPolicyStore view(MetadataStore store) {
        return new QosPolicyStore(store);
    }

    public List<Policy> all() {
        List<Policy> all = new ArrayList<>();
        for (MetadataEntry e : listed()) {
            all.add(new Policy(MetadataKeys.name(e.key()), fromFields(e.fields())));
        }
        return all;
    }

    public QosLimits get(String name) {
        if (!MetadataKeys.isSegment(name)) {
            return null;
        }
        try {
            return store.get(MetadataKeys.qosPolicy(name)).map(e -> fromFields(e.fields())).orElse(null);
        } catch (MetadataStoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public void put(String name, QosLimits limits) throws DataDirException {
        Map<String, String> fields = new TreeMap<>();
        long[] values = {limits.readIops(), limits.writeIops(), limits.readBytesPerSecond(),
                limits.writeBytesPerSecond(), limits.iopsPerGib()};
        for (int i = 0; i < KEYS.length; i++) {
            fields.put(KEYS[i], Long.toString(values[i]));
        }
        String key = MetadataKeys.qosPolicy(name);
        try {
            store.put(key, fields, MetadataRecords.revisionOf(store, key));
        } catch (MetadataStoreException e) {
            throw MetadataRecords.failed(e);
        }
    }

    public void delete(String name) throws DataDirException {
        try {
            store.delete(MetadataKeys.qosPolicy(name), MetadataStore.ANY);
        } catch (MetadataStoreException e) {
            throw MetadataRecords.failed(e);
        }
    }

    private List<MetadataEntry> listed() {
        try {
            return store.list(MetadataKeys.QOS_POLICIES).entries();
        } catch (MetadataStoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static QosLimits fromFields(Map<String, String> p) {
        long[] v = new long[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            try {
                v[i] = Long.parseLong(p.getOrDefault(KEYS[i], "0"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad " + KEYS[i]);
            }
        }
        return new QosLimits(v[0], v[1], v[2], v[3], v[4]);
    }
}
