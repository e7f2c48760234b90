package io.basalt.initiator;

/**
 * Told of a controller's asynchronous events (see {@link NvmeController#enableAsyncEvents}). Both
 * methods run on an initiator thread (an event loop or the reconnection thread): they must return
 * quickly and never block on the controller.
 */
public interface AsyncEventListener {
    /** Asynchronous Event Type (bits 2:0) in the result. */
    int TYPE_NOTICE = 2;
    /** Asynchronous Event Information (bits 15:8) of a notice: ANA change; the log page is 0Ch. */
    int NOTICE_ANA_CHANGE = 3;

    /**
     * An Asynchronous Event Request completed: {@code result} is its completion dword 0 — event
     * type in bits 2:0, information in bits 15:8, the log page to read in bits 23:16. The event
     * stays masked at the controller until that log page is read with RAE clear.
     */
    void onAsyncEvent(NvmeController controller, int result);

    /** The controller is back after a reconnection: any event of the time it was away was lost. */
    default void onReconnected(NvmeController controller) {
    }

    /** The log page identifier an event's result names. */
    static int logPage(int result) {
        return (result >>> 16) & 0xFF;
    }
}
