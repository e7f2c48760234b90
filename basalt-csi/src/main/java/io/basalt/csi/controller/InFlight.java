package io.basalt.csi.controller;

import io.basalt.csi.rpc.CsiErrors;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operations under way, by the volume or snapshot they concern. A second call for the same one
 * while the first runs is ABORTED, as the spec asks ("operation pending for volume"): the CO retries
 * it later, and two creates of one name never race each other into the API.
 */
final class InFlight {
    private final Set<String> keys = ConcurrentHashMap.newKeySet();

    /** Marks {@code key} busy until the returned handle is closed; ABORTED when it already is. */
    Handle begin(String key) {
        if (!keys.add(key)) {
            throw CsiErrors.aborted("an operation on '" + key + "' is already in progress");
        }
        return () -> keys.remove(key);
    }

    /** Ends the operation. */
    interface Handle extends AutoCloseable {
        @Override
        void close();
    }
}
