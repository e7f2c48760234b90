package io.basalt.control;

/** A running {@link MetadataStore#watch}; closing it stops the deliveries (one under way finishes). */
public interface Watch extends AutoCloseable {
    @Override
    void close();
}
