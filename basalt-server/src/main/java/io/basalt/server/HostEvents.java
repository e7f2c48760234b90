package io.basalt.server;

import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.volume.HostAccess;
import io.basalt.server.events.EventLog;
import io.basalt.server.metrics.BrickMetrics;

/** Records hosts' connects and disconnects (not discovery controllers') as events and metrics. */
final class HostEvents implements ControllerRegistry.Listener {
    private final EventLog events;
    private final BrickMetrics metrics;

    HostEvents(EventLog events, BrickMetrics metrics) {
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public void connected(Controller c) {
        if (!c.isDiscovery()) {
            metrics.hostConnected();
            events.record("host.connected", EventLog.INFO, HostAccess.describe(c.hostNqn()), "controller " + c.cntlid()
                    + " from " + c.remoteAddress());
        }
    }

    @Override
    public void disconnected(Controller c, String reason) {
        if (!c.isDiscovery()) {
            metrics.hostDisconnected();
            events.record("host.disconnected", reason.contains("keep-alive") ? EventLog.WARNING : EventLog.INFO,
                    HostAccess.describe(c.hostNqn()), "controller " + c.cntlid() + ": " + reason);
        }
    }
}
