package io.basalt.control.volume;

import java.util.Locale;

/** Where a volume keeps its blocks. */
public enum Backend {
    /** A sparse file in the data dir; survives restarts. */
    FILE,
    /** Memory only, lost at exit; for protocol benchmarks. */
    RAM,
    /** A thin volume of the brick's log-structured pool (docs/engine.md), over the {@code --device}s. */
    ENGINE;

    public static Backend parse(String text) {
        for (Backend b : values()) {
            if (b.label().equals(text == null ? "" : text.trim().toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new ConfigException("unknown backend '" + text + "' (expected file, ram or engine)");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
