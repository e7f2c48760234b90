package io.basalt.api.model;

import java.util.List;

/**
 * The outcome of {@code POST /bricks/NAME/drain}: every volume whose primary was the brick, moved to
 * another in-sync replica or not (with why).
 */
public record DrainView(String brick, List<Moved> moved, List<NotMoved> notMoved) {
    public DrainView {
        moved = List.copyOf(moved);
        notMoved = List.copyOf(notMoved);
    }

    /** A volume whose primary is now {@code to}. */
    public record Moved(String volume, String to) {
    }

    /** A volume that still has the brick as its primary, and why. */
    public record NotMoved(String volume, String reason) {
    }
}
