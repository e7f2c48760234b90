package io.basalt.nvmet.subsystem;

/**
 * How a {@link Subsystem} presents itself when it is one path (one brick) among several serving
 * the same subsystem NQN.
 *
 * <p>{@link #SINGLE_PATH}, the default, is what a lone brick always answered: one ANA group (ID 1)
 * holding every namespace, always optimized. {@link #groupPerNamespace} gives every namespace its
 * own ANA group whose ID is the NSID, so that one volume's path can become inaccessible on this
 * brick (its primary moved) while every other volume stays optimized; its discovery controllers
 * also offer the Discovery Log Page Change notice, so that a persistent discovery connection
 * hears of bricks joining or leaving. Namespaces are shared
 * (NMIC bit 0) in both: a lone brick's hosts accept that, and a second path can be added later.
 *
 * @param anaGroupPerNamespace one ANA group per namespace (ID = NSID) instead of one for all
 * @param anaTransitionSeconds ANATT: the most seconds a namespace stays in {@link AnaState#CHANGE}
 *                             before it reaches its new state; a Linux host resets a controller
 *                             whose group is still in change after twice this. 1..255.
 */
public record MultipathConfig(boolean anaGroupPerNamespace, int anaTransitionSeconds) {
    /** ANATT of a lone brick: it never enters CHANGE, and 10 s is what it always reported. */
    public static final int ANA_TRANSITION_SECONDS_DEFAULT = 10;
    /** The group every namespace belongs to without per-namespace groups. */
    public static final int SINGLE_GROUP_ID = 1;
    /** A lone brick: one optimized ANA group for all namespaces, as before clusters existed. */
    public static final MultipathConfig SINGLE_PATH = new MultipathConfig(false, ANA_TRANSITION_SECONDS_DEFAULT);

    public MultipathConfig {
        if (anaTransitionSeconds < 1 || anaTransitionSeconds > 255) {
            throw new IllegalArgumentException("anaTransitionSeconds must be between 1 and 255: "
                    + anaTransitionSeconds);
        }
    }

    /**
     * One path of a multi-brick subsystem: an ANA group per namespace.
     *
     * @param anaTransitionSeconds the longest a takeover may keep a namespace in CHANGE on this brick
     */
    public static MultipathConfig groupPerNamespace(int anaTransitionSeconds) {
        return new MultipathConfig(true, anaTransitionSeconds);
    }
}
