package io.basalt.server;

import java.io.PrintWriter;

/** Lets tests in other packages run the real top-level command, configured as {@code main} configures it. */
public final class BasaltMainAccess {
    private BasaltMainAccess() {
    }

    /** Runs {@code basalt ARGS} with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return BasaltMain.run(out, err, args);
    }
}
