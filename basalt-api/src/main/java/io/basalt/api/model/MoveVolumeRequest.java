package io.basalt.api.model;

/**
 * {@code POST /volumes/NAME/move}: make another replica the volume's primary.
 *
 * @param to the brick to serve the volume (an active brick with an in-sync replica); absent: the
 *           in-sync replica on the active brick with the fewest primaries
 */
public record MoveVolumeRequest(String to) {
}
