package io.basalt.control;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One record of the {@link MetadataStore} as it stood at a revision.
 *
 * @param key            where it is stored
 * @param fields         its contents, sorted by field name, unmodifiable
 * @param createRevision the store revision that created the key (etcd's {@code create_revision})
 * @param modRevision    the store revision of its last change (etcd's {@code mod_revision}): what a
 *                       compare-and-set names as {@code expectedRevision}
 * @param version        how many times the key was written since it was created, starting at 1
 */
public record MetadataEntry(String key, SortedMap<String, String> fields, long createRevision, long modRevision,
                            long version) {
    public MetadataEntry {
        Objects.requireNonNull(key);
        fields = Collections.unmodifiableSortedMap(new TreeMap<>(fields));
    }

    /** The field's value, or null. */
    public String field(String name) {
        return fields.get(name);
    }

    /** A copy for callers that build a changed record from this one. */
    public Map<String, String> fieldsCopy() {
        return new TreeMap<>(fields);
    }
}
