package io.basalt.replication;

/**
 * The store's role under one plan, read once by every host operation (one volatile read): immutable,
 * replaced whole by {@link ReplicatedStore#apply}.
 *
 * @param primary whether host operations are served
 * @param epoch   the epoch operations are stamped with and acknowledged under
 * @param members every other brick holding a replica, in sync or not
 */
record Routing(boolean primary, long epoch, Member[] members) {
    static final Routing NONE = new Routing(false, Long.MIN_VALUE, new Member[0]);

    Member find(String brick) {
        for (Member m : members) {
            if (m.brick.equals(brick)) {
                return m;
            }
        }
        return null;
    }
}
