package io.basalt.control.placement;

/** Placement is impossible as asked; the message says why, in terms an operator can act on. */
public final class PlacementException extends Exception {
    public PlacementException(String message) {
        super(message);
    }
}
