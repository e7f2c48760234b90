package io.basalt.server;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop. Handling them, rather than relying on shutdown hooks,
 * lets the main thread close everything in order and exit 0 instead of the JVM's 143/130.
 */
final class Signals {
    private Signals() {
    }

    static void onTerminate(Runnable action) {
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> action.run());
            } catch (IllegalArgumentException e) {
                // The signal is unavailable here (e.g. java -Xrs); the shutdown hook still closes the brick.
            }
        }
    }
}
