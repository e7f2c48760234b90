package io.basalt.nvme;

import java.util.UUID;
import java.util.regex.Pattern;

/** NVMe Qualified Names: validation and generation. */
public final class Nqn {
    /** Longest NQN in bytes (NVMe base specification: 223 bytes of UTF-8). */
    public static final int MAX_LENGTH = 223;
    private static final Pattern FORMAT = Pattern.compile("nqn\\.\\d{4}-\\d{2}\\.[^:\\s]+(:.+)?");

    private Nqn() {
    }

    /** Returns the NQN if well formed, else throws with the reason. */
    public static String requireValid(String nqn) {
        if (nqn == null || nqn.isEmpty()) {
            throw new IllegalArgumentException("NQN is empty");
        }
        if (nqn.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
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

    /** A new subsystem NQN in Basalt's naming authority. */
    public static String generateSubsystemNqn() {
        return "nqn.2026-01.io.basalt:subsystem:" + UUID.randomUUID();
    }
}
