package io.basalt.control;

/**
 * Receives the changes of a {@link MetadataStore#watch}: one call at a time, in revision order.
 * A watcher that throws does not stop the watch; the failure is logged and the next change comes.
 */
@FunctionalInterface
public interface MetadataWatcher {
    void onChange(MetadataEvent event);
}
