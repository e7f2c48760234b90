package io.basalt.control;

/** A watch asked for changes older than the store remembers: list again and watch from the listing. */
public final class CompactedRevisionException extends MetadataStoreException {
    public CompactedRevisionException(long requested, long oldestWatchable) {
        super("revision " + requested + " is compacted: watch from " + oldestWatchable + " or later after listing");
    }
}
