package io.basalt.server.volume;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.volume.DataDirException;

/**
 * The small glue between the server's typed views (volumes, QoS policies) and the
 * {@link MetadataStore}'s records: the revision a write expects, and the store's failures as the
 * {@link DataDirException}s the brick has always reported.
 */
final class MetadataRecords {
    private MetadataRecords() {
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
        return DataDirException.failed(e);
    }
}
