package io.basalt.nvmet.controller;

import io.basalt.nvmet.subsystem.Subsystem;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live controllers of a target, by controller ID. Controller IDs are allocated in the
 * configured range ({@link ProtocolLimits#minCntlid()}..{@link ProtocolLimits#maxCntlid()}, by
 * default all of 1..0xFFEF, the dynamic controller model) and not reused until the range wraps.
 * Bricks serving one subsystem get disjoint ranges: a host requires controller IDs unique within
 * the subsystem.
 */
public final class ControllerRegistry {
    /** Highest controller ID the dynamic model may hand out; 0xFFF0 and above are reserved. */
    public static final int MAX_CNTLID = 0xFFEF;
    /** Lowest controller ID; 0 is not a valid dynamic controller ID. */
    public static final int MIN_CNTLID = 1;

    private final Subsystem subsystem;
    private final ProtocolLimits config;
    private final ConcurrentHashMap<Integer, Controller> controllers = new ConcurrentHashMap<>();
    private final AtomicInteger nextCntlid;
    private final LongAdder keepAliveExpiries = new LongAdder();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Hears of controllers coming and going (management events, metrics); called on event loops, must not block. */
    public interface Listener {
        /** The admin Connect succeeded. */
        void connected(Controller c);

        /** The controller was torn down; {@code reason} says why. */
        void disconnected(Controller c, String reason);
    }

    public ControllerRegistry(Subsystem subsystem, ProtocolLimits config) {
        this.subsystem = subsystem;
        this.config = config;
        this.nextCntlid = new AtomicInteger(config.minCntlid());
    }

    public Subsystem subsystem() {
        return subsystem;
    }

    public ProtocolLimits config() {
        return config;
    }

    /** Creates and registers a controller with a fresh ID, or returns null if none is free. */
    Controller create(boolean discovery, String hostNqn, byte[] hostId, Queue adminQueue, int katoMillis) {
        int min = config.minCntlid();
        int max = config.maxCntlid();
        for (int attempt = 0; attempt <= max - min; attempt++) {
            int id = nextCntlid.getAndUpdate(v -> v >= max ? min : v + 1);
            if (!controllers.containsKey(id)) {
                Controller c = new Controller(this, subsystem, discovery, id, hostNqn, hostId, adminQueue,
                        katoMillis);
                if (controllers.putIfAbsent(id, c) == null) {
                    return c;
                }
            }
        }
        return null;
    }

    public Controller get(int cntlid) {
        return controllers.get(cntlid);
    }

    void remove(Controller c) {
        controllers.remove(c.cntlid(), c);
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    void fireConnected(Controller c) {
        for (Listener l : listeners) {
            l.connected(c);
        }
    }

    void fireDisconnected(Controller c, String reason) {
        for (Listener l : listeners) {
            l.disconnected(c, reason);
        }
    }

    /** A snapshot of the live controllers (management plane, not the data path). */
    public List<Controller> controllers() {
        return List.copyOf(controllers.values());
    }

    public int size() {
        return controllers.size();
    }

    void countKeepAliveExpiry() {
        keepAliveExpiries.increment();
    }

    public long keepAliveExpiries() {
        return keepAliveExpiries.sum();
    }

    /** Shuts every controller down (target stopping). */
    public void closeAll() {
        for (Controller c : new ArrayList<>(controllers.values())) {
            c.shutdown("target stopping");
        }
    }
}
