package io.basalt.nvme.discovery;

/** What names the discovery service on every NVMe over Fabrics port. */
public final class Discovery {
    /** The well-known NQN a host connects to for the discovery log (NVMe over Fabrics specification). */
    public static final String NQN = "nqn.2014-08.org.nvmexpress.discovery";
    /** Log page identifier of the discovery log page. */
    public static final int LOG_PAGE_ID = 0x70;

    private Discovery() {
    }
}
