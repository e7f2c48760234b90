package io.basalt.server.volume;

import io.basalt.control.HostList;
import io.basalt.volume.HostAccess;

/**
 * The export edge for host access: the control plane records a {@link HostList}; the exported volume
 * holds the volume layer's {@link HostAccess}, which the target checks each host against. Converted
 * only where a volume is exported or its access changes, never per I/O.
 */
final class ExportedAccess {
    private ExportedAccess() {
    }

    static HostAccess of(HostList hosts) {
        return hosts.isAny() ? HostAccess.any() : HostAccess.of(hosts.hosts());
    }

    /** Back from the target's form, to report what a namespace was exported with. */
    static HostList recorded(HostAccess access) {
        return access.isAny() ? HostList.any() : HostList.of(access.hosts());
    }
}
