package io.basalt.control;

/**
 * A compare-and-set lost: the key's revision was not the one the writer expected, because someone
 * changed it since the writer read it. Nothing was written; read again and decide again.
 */
public final class RevisionConflictException extends MetadataStoreException {
    private final String key;
    private final long expectedRevision;
    private final long actualRevision;

    public RevisionConflictException(String key, long expectedRevision, long actualRevision) {
        super("metadata " + key + " changed concurrently: expected revision " + expectedRevision + ", found "
                + (actualRevision == MetadataStore.ABSENT ? "none" : Long.toString(actualRevision)));
        this.key = key;
        this.expectedRevision = expectedRevision;
        this.actualRevision = actualRevision;
    }

    public String key() {
        return key;
    }

    public long expectedRevision() {
        return expectedRevision;
    }

    /** The key's revision when the write was refused; {@link MetadataStore#ABSENT} if it did not exist. */
    public long actualRevision() {
        return actualRevision;
    }
}
