package io.basalt.control.agent;

import io.basalt.control.volume.VolumeMetadata;

/**
 * A volume this brick holds, as the agent needs to know it: its record. The daemon's volume is
 * one, with its store and namespace besides, which the agent hands back to the daemon unopened.
 */
public interface LocalVolume {
    VolumeMetadata metadata();
}
