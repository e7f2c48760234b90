package io.basalt.control;

/**
 * Receives the changes of a {@link MetadataStore#watch}: one call at a time, in revision order.
 * A watcher that throws does not stop the watch; the failure is logged and the next change comes.
 */
@FunctionalInterface
public interface MetadataWatcher {
    void onChange(MetadataEvent event);

    /**
     * The watch ended without being closed and will deliver nothing more: typically a
     * {@link CompactedRevisionException} because the store forgot the history the watch needed to
     * catch up after a long outage. The watcher lists again and watches from the listing. Called at
     * most once, after the last {@link #onChange}; a store that cannot lose a watch never calls it.
     * The default logs the cause.
     */
    default void onEnd(MetadataStoreException cause) {
        System.getLogger(MetadataWatcher.class.getName()).log(System.Logger.Level.WARNING,
                "metadata watch ended: " + cause.getMessage());
    }
}
