package io.basalt.server;

/** The brick cannot start; the message is one line for the operator (no stack trace). */
public final class StartupException extends Exception {
    public StartupException(String message) {
        super(message, null, false, false);
    }
}
