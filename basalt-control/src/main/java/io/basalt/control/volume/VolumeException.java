package io.basalt.control.volume;

/** A management request on volumes that cannot be carried out; {@link #kind()} says whose fault it is. */
public final class VolumeException extends Exception {
    public enum Kind {
        /** The request is malformed or names an impossible value (bad name, size, NQN). */
        INVALID,
        /** No such volume or policy. */
        NOT_FOUND,
        /** The request clashes with the current state (name taken with another spec, policy in use). */
        CONFLICT,
        /** No bricks can hold the volume as asked: too little room, too few failure domains, none allowed. */
        UNPLACEABLE,
        /** Well formed, but this brick cannot do it (shrink a file, grow a RAM volume). */
        UNSUPPORTED,
        /** The brick failed (I/O error on the data dir). */
        INTERNAL,
        /** The cluster's metadata store cannot be reached now; the request may be retried. */
        UNAVAILABLE
    }

    private final Kind kind;

    public VolumeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static VolumeException invalid(String message) {
        return new VolumeException(Kind.INVALID, message);
    }

    public static VolumeException notFound(String what) {
        return new VolumeException(Kind.NOT_FOUND, what);
    }

    public static VolumeException conflict(String message) {
        return new VolumeException(Kind.CONFLICT, message);
    }

    public static VolumeException unplaceable(String message) {
        return new VolumeException(Kind.UNPLACEABLE, message);
    }

    public static VolumeException unsupported(String message) {
        return new VolumeException(Kind.UNSUPPORTED, message);
    }

    public static VolumeException internal(String message) {
        return new VolumeException(Kind.INTERNAL, message);
    }

    public static VolumeException unavailable(String message) {
        return new VolumeException(Kind.UNAVAILABLE, message);
    }
}
