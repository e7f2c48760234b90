package io.basalt.nvme.fabrics;

/**
 * Controller properties (registers) reached by Fabrics Property Get/Set: their offsets in the
 * NVMe base specification's controller register map.
 */
public final class ControllerProperties {
    /** Controller Capabilities (8 bytes). */
    public static final int CAP = 0x00;
    /** Version (4 bytes). */
    public static final int VS = 0x08;
    /** Controller Configuration (4 bytes). */
    public static final int CC = 0x14;
    /** Controller Status (4 bytes). */
    public static final int CSTS = 0x1C;

    private ControllerProperties() {
    }
}
