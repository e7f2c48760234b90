package io.basalt.server.volume;

/** Whether a volume is exported now (online) or only kept in the data dir (offline). */
public enum VolumeState { ONLINE, OFFLINE }
