package io.basalt.control;

import java.util.List;

/**
 * The entries under a prefix as they stood at one revision: watch from {@code revision} to follow
 * on without missing or repeating a change.
 */
public record Listing(List<MetadataEntry> entries, long revision) {
    public Listing {
        entries = List.copyOf(entries);
    }
}
