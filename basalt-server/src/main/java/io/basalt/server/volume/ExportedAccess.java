package io.basalt.server.volume;

import io.basalt.control.HostList;
import io.basalt.volume.HostAccess;

/**
 * The export edge for host access: the control plane records a {@link HostList}; the target checks
 * each connecting host against a {@link HostAccess}. Converted only where a namespace is created or
 * its access changes, never per I/O.
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
