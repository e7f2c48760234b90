package io.basalt.csi;

import java.nio.file.Path;

/**
 * The CSI endpoint as COs write it: {@code unix:///csi/csi.sock} (the form the sidecars' {@code
 * --csi-address} and the {@code CSI_ENDPOINT} variable use), {@code unix:/csi/csi.sock}, or a bare
 * path. Only Unix domain sockets: the CSI socket is local to a pod and never listens on a network.
 */
public final class Endpoint {
    private Endpoint() {
    }

    /** The socket path; IllegalArgumentException for anything but a Unix socket. */
    public static Path socketPath(String endpoint) {
        String path;
        if (endpoint.startsWith("unix://")) {
            path = endpoint.substring("unix://".length());
        } else if (endpoint.startsWith("unix:")) {
            path = endpoint.substring("unix:".length());
        } else if (endpoint.contains("://")) {
            throw new IllegalArgumentException("the CSI endpoint must be a Unix socket (unix:///path), not " + endpoint);
        } else {
            path = endpoint;
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the CSI endpoint needs an absolute socket path, not " + endpoint);
        }
        return Path.of(path);
    }
}
