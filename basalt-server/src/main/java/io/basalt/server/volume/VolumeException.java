package io.basalt.server.volume;

/** A management request on volumes that cannot be carried out; {@link #kind()} says whose fault it is. */
public final class VolumeException extends Exception {
    public enum Kind {
        /** The request is malformed or names an impossible value (bad name, size, NQN). */
        INVALID,
        /** No such volume or policy. */
        NOT_FOUND,
        /** The request clashes with the current state (name taken with another spec, policy in use). */
        CONFLICT,
        /** Well formed, but this brick cannot do it (shrink a file, grow a RAM volume). */
        UNSUPPORTED,
        /** The brick failed (I/O error on the data dir). */
        INTERNAL
    }

    private final Kind kind;

    public VolumeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static VolumeException invalid(String message) {
        return new VolumeException(Kind.INVALID, message);
    }

    static VolumeException notFound(String what) {
        return new VolumeException(Kind.NOT_FOUND, what);
    }

    static VolumeException conflict(String message) {
        return new VolumeException(Kind.CONFLICT, message);
    }

    static VolumeException unsupported(String message) {
        return new VolumeException(Kind.UNSUPPORTED, message);
    }

    static VolumeException internal(String message) {
        return new VolumeException(Kind.INTERNAL, message);
    }
}
