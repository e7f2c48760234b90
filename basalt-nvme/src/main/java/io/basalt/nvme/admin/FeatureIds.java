package io.basalt.nvme.admin;

/** Feature identifiers of Get Features and Set Features that Basalt's target and host use. */
public final class FeatureIds {
    public static final int VOLATILE_WRITE_CACHE = 0x06;
    public static final int NUMBER_OF_QUEUES = 0x07;
    public static final int ASYNC_EVENT_CONFIG = 0x0B;
    public static final int TIMESTAMP = 0x0E;
    public static final int KEEP_ALIVE_TIMER = 0x0F;

    private FeatureIds() {
    }
}
