package io.basalt.server;

/** Lets tests in other packages build the real top-level command. */
public final class BasaltMainAccess {
    public Object main() {
        return new BasaltMain();
    }
}
