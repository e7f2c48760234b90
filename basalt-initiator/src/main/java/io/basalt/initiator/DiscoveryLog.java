package io.basalt.initiator;

import java.util.List;

/**
 * The discovery log page (70h) as read consistently: the generation counter was the same before
 * and after the entries were read.
 */
public record DiscoveryLog(long generation, List<DiscoveryEntry> entries) {
}
