package io.basalt.nvme;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The syntax of an NVMe Qualified Name (NVMe base specification, "NVMe Qualified Names"):
 * {@code nqn.yyyy-mm.reverse.domain[:name]}, at most 223 bytes of UTF-8. Here, with the wire formats,
 * so that whoever accepts an NQN from people — the target, the control plane's host lists — checks
 * it the same way.
 */
public final class Nqn {
    /** Longest NQN in bytes (NVMe base specification: 223 bytes of UTF-8). */
    public static final int MAX_LENGTH = 223;
    private static final Pattern FORMAT = Pattern.compile("nqn\\.\\d{4}-\\d{2}\\.[^:\\s]+(:.+)?");

    private Nqn() {
    }

    /** Returns the NQN if well formed, else throws IllegalArgumentException with the reason. */
    public static String requireValid(String nqn) {
        if (nqn == null || nqn.isEmpty()) {
            throw new IllegalArgumentException("NQN is empty");
        }
        if (nqn.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
            throw new IllegalArgumentException("NQN longer than " + MAX_LENGTH + " bytes: " + nqn);
        }
        if (!FORMAT.matcher(nqn).matches()) {
            throw new IllegalArgumentException("not an NQN (expected nqn.yyyy-mm.reverse.domain:name): " + nqn);
        }
        return nqn;
    }

    public static boolean isValid(String nqn) {
        try {
            requireValid(nqn);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
