package io.basalt.engine.pool;

/**
 * What a volume maps and what that costs on the devices.
 *
 * @param mappedBytes      logical blocks mapped × block size
 * @param storedBytes      bytes before compression of the unique blocks (mapped bytes less what
 *                         dedup shares)
 * @param physicalBytes    payload bytes on the devices
 * @param compressionRatio stored / physical (1 when nothing is stored)
 * @param dedupRatio       mapped / stored (1 when nothing is stored)
 */
public record VolumeUsage(long mappedBytes, long storedBytes, long physicalBytes, double compressionRatio,
                          double dedupRatio) {
    static VolumeUsage of(long mappedBytes, long storedBytes, long physicalBytes) {
        return new VolumeUsage(mappedBytes, storedBytes, physicalBytes, ratio(storedBytes, physicalBytes),
                ratio(mappedBytes, storedBytes));
    }

    static double ratio(long over, long under) {
        return under <= 0 ? 1.0 : (double) over / under;
    }
}
