package io.basalt.server.volume;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The small glue between the server's typed views (volumes, QoS policies, NSIDs) and the
 * {@link MetadataStore}'s string records: properties in and out, and the store's failures as the
 * {@link DataDirException}s the brick has always reported.
 */
final class MetadataRecords {
    private MetadataRecords() {
    }

    static Map<String, String> fields(Properties p) {
        Map<String, String> fields = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> fields.put(k, p.getProperty(k)));
        return fields;
    }

    static Properties properties(MetadataEntry e) {
        Properties p = new Properties();
        p.putAll(e.fields());
        return p;
    }

    /** The revision a write must find: the entry's, or none if there is no entry. */
    static long revisionOf(MetadataStore store, String key) throws DataDirException {
        try {
            return store.get(key).map(MetadataEntry::modRevision).orElse(MetadataStore.ABSENT);
        } catch (MetadataStoreException e) {
            throw failed(e);
        }
    }

    static DataDirException failed(MetadataStoreException e) {
        return new DataDirException(e.getMessage(), e);
    }
}
