package io.basalt.csi.controller;

import io.basalt.csi.rpc.CsiErrors;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A StorageClass's parameters, checked: what a new volume is made with. Unknown keys and bad values
 * are INVALID_ARGUMENT, so a typo in a StorageClass fails the first claim instead of quietly making
 * a volume without the service that was asked for. Keys the CO adds about the claim
 * ({@code csi.storage.k8s.io/pvc/name} and the like, with the provisioner's
 * {@code --extra-create-metadata}) become the volume's labels, so an operator can tell which claim a
 * volume serves.
 *
 * <p>Null fields mean "the API's default" and are left out of the create request.
 *
 * @param replicas    copies of every block (1 to 3); a single brick refuses more than 1, a cluster places them
 * @param compression {@code lz4}, {@code zstd} or {@code off}
 * @param dedup       deduplication on or off
 * @param encryption  {@code aes-xts} or {@code off}
 * @param qosPolicy   the name of a QoS policy the API knows
 * @param blockSize   512 or 4096: the logical block size hosts see, and what sizes round up to
 * @param failureDomainKey the failure-domain key (e.g. {@code rack}) whose values the replicas must not share
 */
public record VolumeParameters(Integer replicas, String compression, Boolean dedup, String encryption,
                               String qosPolicy, Integer blockSize, String failureDomainKey,
                               Map<String, String> labels) {
    public static final String REPLICAS = "replicas";
    public static final String COMPRESSION = "compression";
    public static final String DEDUP = "dedup";
    public static final String ENCRYPTION = "encryption";
    public static final String QOS_POLICY = "qosPolicy";
    public static final String BLOCK_SIZE = "blockSize";
    public static final String FAILURE_DOMAIN_KEY = "failureDomainKey";
    /** The prefix of the keys the CO adds about the claim (not StorageClass parameters). */
    static final String CO_PREFIX = "csi.storage.k8s.io/";
    static final int DEFAULT_BLOCK_SIZE = 4096;
    private static final Set<String> COMPRESSIONS = Set.of("lz4", "zstd", "off");
    private static final Set<String> ENCRYPTIONS = Set.of("aes-xts", "off");

    public VolumeParameters {
        labels = Map.copyOf(labels);
    }

    /** The block size sizes are rounded to. */
    int blockSizeOrDefault() {
        return blockSize == null ? DEFAULT_BLOCK_SIZE : blockSize;
    }

    static VolumeParameters parse(Map<String, String> params) {
        Integer replicas = null;
        String compression = null;
        Boolean dedup = null;
        String encryption = null;
        String qos = null;
        Integer blockSize = null;
        String failureDomainKey = null;
        Map<String, String> labels = new TreeMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String v = e.getValue().trim();
            switch (e.getKey()) {
                case REPLICAS -> replicas = replicas(v);
                case COMPRESSION -> compression = oneOf(COMPRESSION, v, COMPRESSIONS);
                case DEDUP -> dedup = bool(v);
                case ENCRYPTION -> encryption = oneOf(ENCRYPTION, v, ENCRYPTIONS);
                case QOS_POLICY -> qos = v.isEmpty() ? null : v;
                case BLOCK_SIZE -> blockSize = blockSize(v);
                case FAILURE_DOMAIN_KEY -> failureDomainKey = v.isEmpty() ? null : v;
                default -> {
                    if (!e.getKey().startsWith(CO_PREFIX)) {
                        throw CsiErrors.invalid("unknown parameter '" + e.getKey() + "'; known: " + REPLICAS + ", "
                                + COMPRESSION + ", " + DEDUP + ", " + ENCRYPTION + ", " + QOS_POLICY + ", " + BLOCK_SIZE
                                + ", " + FAILURE_DOMAIN_KEY);
                    }
                    labels.put(e.getKey(), v);
                }
            }
        }
        return new VolumeParameters(replicas, compression, dedup, encryption, qos, blockSize, failureDomainKey,
                labels);
    }

    private static Integer replicas(String v) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw CsiErrors.invalid("replicas must be a whole number, not '" + v + "'");
        }
        if (n < 1) {
            throw CsiErrors.invalid("replicas must be at least 1, not " + n);
        }
        if (n > 3) {
            throw CsiErrors.invalid("replicas must be 1, 2 or 3, not " + n);
        }
        return n;
    }

    private static String oneOf(String key, String v, Set<String> allowed) {
        if (!allowed.contains(v)) {
            throw CsiErrors.invalid(key + " must be one of " + new TreeSet<>(allowed) + ", not '" + v + "'");
        }
        return v;
    }

    private static Boolean bool(String v) {
        return switch (v) {
            case "true", "on" -> true;
            case "false", "off" -> false;
            default -> throw CsiErrors.invalid(DEDUP + " must be true or false, not '" + v + "'");
        };
    }

    private static Integer blockSize(String v) {
        return switch (v) {
            case "512" -> 512;
            case "4096" -> 4096;
            default -> throw CsiErrors.invalid(BLOCK_SIZE + " must be 512 or 4096, not '" + v + "'");
        };
    }
}
