package io.basalt.server.volume;

import io.basalt.server.config.Backend;
import io.basalt.server.config.ConfigException;
import io.basalt.server.config.Hosts;
import io.basalt.target.subsystem.HostAccess;

import java.util.Properties;
import java.util.UUID;

/**
 * What the brick remembers about a volume between runs, in {@code DATA_DIR/volumes/NAME.properties}.
 * The NSID and UUID are fixed at creation: hosts (and multipath) identify the namespace by them.
 */
public record VolumeMetadata(String name, int nsid, UUID uuid, long sizeBytes, int blockSize, Backend backend,
                             HostAccess hosts) {
    private static final String NAME = "name";
    private static final String NSID = "nsid";
    private static final String UUID_KEY = "uuid";
    private static final String SIZE = "size-bytes";
    private static final String BLOCK_SIZE = "block-size";
    private static final String BACKEND = "backend";
    private static final String HOSTS = "hosts";

    /** HostAccess has no value equality; compare its canonical text so an unchanged volume is not rewritten. */
    @Override
    public boolean equals(Object o) {
        return o instanceof VolumeMetadata v && name.equals(v.name) && nsid == v.nsid && uuid.equals(v.uuid)
                && sizeBytes == v.sizeBytes && blockSize == v.blockSize && backend == v.backend
                && Hosts.format(hosts).equals(Hosts.format(v.hosts));
    }

    @Override
    public int hashCode() {
        return uuid.hashCode();
    }

    public VolumeMetadata withSizeAndHosts(long newSize, HostAccess newHosts) {
        return new VolumeMetadata(name, nsid, uuid, newSize, blockSize, backend, newHosts);
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty(NAME, name);
        p.setProperty(NSID, Integer.toString(nsid));
        p.setProperty(UUID_KEY, uuid.toString());
        p.setProperty(SIZE, Long.toString(sizeBytes));
        p.setProperty(BLOCK_SIZE, Integer.toString(blockSize));
        p.setProperty(BACKEND, backend.label());
        p.setProperty(HOSTS, Hosts.format(hosts));
        return p;
    }

    /** Reads the properties; throws IllegalArgumentException naming what is wrong. */
    static VolumeMetadata fromProperties(Properties p) {
        try {
            return new VolumeMetadata(required(p, NAME), Integer.parseInt(required(p, NSID)),
                    UUID.fromString(required(p, UUID_KEY)), Long.parseLong(required(p, SIZE)),
                    Integer.parseInt(required(p, BLOCK_SIZE)), Backend.parse(required(p, BACKEND)),
                    Hosts.parse(required(p, HOSTS)));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }
}
