package io.basalt.control.topology;

import io.basalt.control.Listing;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the cluster's members from the metadata store: each brick's record under {@code bricks/}
 * and whether its heartbeat key under {@code alive/} exists now. Reads afresh every call: the store
 * is the truth, and a cached view would place volumes on a brick that just died.
 */
public final class BrickDirectory {
    /** A member: what it recorded, and whether it heartbeats now. */
    public record Member(BrickRecord record, boolean alive) {
        public String name() {
            return record.name();
        }

        /** The state it is in now: a record that says active but has no heartbeat is unreachable. */
        public BrickState state() {
            if (alive) {
                return BrickState.ACTIVE;
            }
            return record.state() == BrickState.ACTIVE ? BrickState.UNREACHABLE : record.state();
        }
    }

    private final MetadataStore store;

    public BrickDirectory(MetadataStore store) {
        this.store = store;
    }

    /** Every member, sorted by name. */
    public List<Member> members() throws MetadataStoreException {
        Set<String> alive = new HashSet<>();
        Listing heartbeats = store.list(MetadataKeys.ALIVE);
        heartbeats.entries().forEach(e -> alive.add(MetadataKeys.name(e.key())));
        List<Member> out = new ArrayList<>();
        for (MetadataEntry e : store.list(MetadataKeys.BRICKS).entries()) {
            String name = MetadataKeys.name(e.key());
            out.add(new Member(BrickRecord.fromFields(name, e.fields()), alive.contains(name)));
        }
        return out;
    }

    /** One member, if the cluster has it. */
    public Optional<Member> member(String name) throws MetadataStoreException {
        Optional<MetadataEntry> e = store.get(MetadataKeys.brick(name));
        if (e.isEmpty()) {
            return Optional.empty();
        }
        boolean alive = store.get(MetadataKeys.alive(name)).isPresent();
        return Optional.of(new Member(BrickRecord.fromFields(name, e.get().fields()), alive));
    }
}
