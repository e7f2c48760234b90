package io.basalt.csi.controller;

import io.basalt.csi.rpc.Zone;

import java.util.List;

/**
 * How the controller reaches the storage and describes it to nodes.
 *
 * @param zone        the topology zone its volumes are reachable from
 * @param apiHost     the API's host name, used for an NVMe/TCP endpoint the API reports as a wildcard
 *                    address (0.0.0.0, ::), which no node can connect to
 * @param targets     {@code HOST:PORT} paths to put in every publish context instead of the endpoints
 *                    the API reports (when nodes reach the bricks by other addresses); empty: the API's
 */
public record ControllerSettings(Zone zone, String apiHost, List<String> targets) {
    public ControllerSettings {
        targets = List.copyOf(targets);
    }
}
