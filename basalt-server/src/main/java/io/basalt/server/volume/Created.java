package io.basalt.server.volume;

/** The outcome of a create: the volume, and whether this call created it (false: it existed alike). */
public record Created(Volume volume, boolean created) {
}
