package io.basalt.control;

import java.util.Objects;

/**
 * One change a {@link MetadataWatcher} sees.
 *
 * @param type     whether the key was written or removed
 * @param key      the key that changed
 * @param entry    for {@link Type#PUT}, the entry as written; for {@link Type#DELETE}, the entry as
 *                 it was before it was removed
 * @param revision the store revision of this change
 */
public record MetadataEvent(Type type, String key, MetadataEntry entry, long revision) {
    /** What happened to the key. */
    public enum Type {
        PUT,
        DELETE
    }

    public MetadataEvent {
        Objects.requireNonNull(type);
        Objects.requireNonNull(key);
        Objects.requireNonNull(entry);
    }
}
