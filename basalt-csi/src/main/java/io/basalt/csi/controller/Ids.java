package io.basalt.csi.controller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How CSI's names and ids map onto the API's.
 *
 * <ul>
 *   <li><b>Volume id</b> = the volume's UUID. It never changes (a rename keeps it), it is unique in
 *       a cluster as on a brick, and it is also the NVMe namespace UUID, by which the node finds the
 *       device. Anything that is not a UUID names no volume of ours.</li>
 *   <li><b>Volume name</b>: the CO's name (Kubernetes: {@code pvc-<uuid>}) is the API volume's name
 *       when the API accepts it as is; otherwise (too long, other characters) it is
 *       {@code csi-<hash of the name>}, the same for every retry, which is what idempotency needs.</li>
 *   <li><b>Snapshot id</b> = {@code <volume UUID>@<snapshot name>}, the API's own
 *       {@code VOLUME@SNAPSHOT} form with the volume by UUID; snapshot names map as volume names.</li>
 * </ul>
 */
final class Ids {
    private static final Pattern API_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Ids() {
    }

    /** The API name for a CO's volume or snapshot name. */
    static String apiName(String coName) {
        if (API_NAME.matcher(coName).matches()) {
            return coName;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(coName.getBytes(StandardCharsets.UTF_8));
            return "csi-" + HexFormat.of().formatHex(h, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The volume UUID a volume id holds, or null when it cannot be one of ours. */
    static String volumeUuid(String volumeId) {
        try {
            return UUID.fromString(volumeId).toString().equalsIgnoreCase(volumeId) ? volumeId.toLowerCase() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A snapshot id split into its volume UUID and snapshot name. */
    record SnapshotId(String volumeUuid, String name) {
        String id() {
            return volumeUuid + "@" + name;
        }

        /** The API's {@code fromSnapshot} reference. */
        String ref() {
            return id();
        }

        /** The parsed id, or null when it cannot be one of ours. */
        static SnapshotId parse(String id) {
            int at = id.indexOf('@');
            if (at <= 0 || at == id.length() - 1) {
                return null;
            }
            String uuid = Ids.volumeUuid(id.substring(0, at));
            String name = id.substring(at + 1);
            return uuid == null || !API_NAME.matcher(name).matches() ? null : new SnapshotId(uuid, name);
        }
    }
}
