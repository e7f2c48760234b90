package io.basalt.server.volume;

/** Hears of changes, for the event log. */
public interface VolumeListener {
    void volumeEvent(String type, String volume, String message);

    /** Something about the pool the operator should act on (a warning in the event log). */
    default void poolWarning(String type, String subject, String message) {
        volumeEvent(type, subject, message);
    }
}
