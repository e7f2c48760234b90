package io.basalt.control.etcd;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataStoreException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;

import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The store's keys inside etcd: {@code volumes/db1} is the etcd key {@code ROOT volumes/db1}
 * (e.g. {@code /basalt/prod/volumes/db1}), and values are {@link RecordCodec} text.
 */
final class EtcdKeySpace {
    private final String root;

    EtcdKeySpace(String root) {
        this.root = root;
    }

    String root() {
        return root;
    }

    /** The etcd key of a store key (or of a prefix of keys). */
    ByteSequence etcdKey(String key) {
        if (key.startsWith("/")) {
            throw new IllegalArgumentException("metadata keys are relative to the cluster's root: " + key);
        }
        return ByteSequence.from(root + key, StandardCharsets.UTF_8);
    }

    String locate(String key) {
        return root + key;
    }

    /** The store's view of an etcd key-value under the root. */
    MetadataEntry entry(KeyValue kv) throws MetadataStoreException {
        String key = storeKey(kv.getKey());
        return new MetadataEntry(key, fields(key, kv.getValue().getBytes()), kv.getCreateRevision(),
                kv.getModRevision(), kv.getVersion());
    }

    /** A removed entry whose last value etcd no longer has: its key with no fields. */
    MetadataEntry removed(KeyValue kv) {
        return new MetadataEntry(storeKey(kv.getKey()), new TreeMap<>(), kv.getCreateRevision(), kv.getModRevision(),
                kv.getVersion());
    }

    String storeKey(ByteSequence etcdKey) {
        String full = etcdKey.toString(StandardCharsets.UTF_8);
        if (!full.startsWith(root)) {
            throw new IllegalStateException("etcd key " + full + " is outside " + root);
        }
        return full.substring(root.length());
    }

    private SortedMap<String, String> fields(String key, byte[] value) throws MetadataStoreException {
        try {
            return RecordCodec.decode(value);
        } catch (IllegalArgumentException e) {
            throw new MetadataStoreException("cannot read etcd key " + locate(key) + ": " + e.getMessage(), e);
        }
    }
}
