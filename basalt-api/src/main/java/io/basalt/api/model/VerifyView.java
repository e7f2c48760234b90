package io.basalt.api.model;

import java.util.List;

/**
 * The outcome of comparing a volume's replicas ({@code POST /volumes/NAME/verify}): the primary
 * reads every range of its copy and of each in-sync replica's and compares their checksums, holding
 * writes to each range while it is compared so that I/O in flight cannot fake a difference.
 *
 * @param volume         the volume's name
 * @param primary        the brick whose copy the others were compared with
 * @param replicas       the other bricks compared (in-sync replicas; out-of-sync ones are being resynced)
 * @param identical      true when no range differed
 * @param bytesCompared  bytes of the volume compared on each replica
 * @param differences    the ranges that differed, at most 100
 */
public record VerifyView(String volume, String primary, List<String> replicas, boolean identical, long bytesCompared,
                         List<Difference> differences) {
    public VerifyView {
        replicas = List.copyOf(replicas);
        differences = List.copyOf(differences);
    }

    /** A range whose bytes differ between the primary and {@code brick}. */
    public record Difference(String brick, long offset, long length) {
    }
}
