package io.basalt.control.volume;

import io.basalt.control.HostList;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the brick remembers about a volume between runs, in {@code DATA_DIR/volumes/NAME.properties}.
 * The NSID and UUID are fixed at creation: hosts (and multipath) identify the namespace by them.
 *
 * @param dataFile     the data file's name in the volumes directory; it keeps its first name when the
 *                     volume is renamed, so an open file never moves under I/O
 * @param labels       free-form key/value pairs for operators and orchestrators
 * @param qosPolicy    the name of the QoS policy limiting the volume, or null for none
 * @param managed      created through the management API: exported on every start, whatever the
 *                     configuration lists (configured volumes follow the configuration)
 * @param createdMillis creation time, epoch milliseconds (0 when unknown: volumes of older data dirs)
 * @param services     inline data services, fixed at creation ({@link DataServices#NONE} for file and
 *                     RAM volumes and for volumes of data dirs older than the services)
 * @param snapshotOf   null for a volume; for a snapshot exported read-only to hosts,
 *                     {@code VOLUME-UUID@SNAPSHOT} (the volume's UUID survives renames)
 * @param clonedFrom   for a clone, the snapshot it was made from; null otherwise (and for clones made
 *                     before the brick recorded it)
 */
public record VolumeMetadata(String name, int nsid, UUID uuid, long sizeBytes, int blockSize, Backend backend,
                             HostList hosts, String dataFile, SortedMap<String, String> labels, String qosPolicy,
                             boolean managed, long createdMillis, DataServices services, String snapshotOf,
                             CloneSource clonedFrom) {
    private static final String NAME = "name";
    private static final String NSID = "nsid";
    private static final String UUID_KEY = "uuid";
    private static final String SIZE = "size-bytes";
    private static final String BLOCK_SIZE = "block-size";
    private static final String BACKEND = "backend";
    private static final String HOSTS = "hosts";
    private static final String DATA_FILE = "data-file";
    private static final String LABEL_PREFIX = "label.";
    private static final String QOS_POLICY = "qos-policy";
    private static final String MANAGED = "managed";
    private static final String CREATED = "created-millis";
    private static final String COMPRESSION = "compression";
    private static final String DEDUP = "dedup";
    private static final String ENCRYPTION = "encryption";
    private static final String SNAPSHOT_OF = "snapshot-of";
    private static final String CLONED_FROM = "cloned-from";
    private static final String CLONED_FROM_ID = "cloned-from-snapshot-id";
    public static final String DATA_SUFFIX = ".img";
    /** The NSID of a volume being compared with an existing one before it gets its own. */
    public static final int NO_NSID_YET = 0;

    public VolumeMetadata {
        Objects.requireNonNull(name);
        Objects.requireNonNull(uuid);
        Objects.requireNonNull(backend);
        Objects.requireNonNull(hosts);
        services = services == null ? DataServices.NONE : services;
        dataFile = dataFile == null ? name + DATA_SUFFIX : dataFile;
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels == null ? Map.of() : labels));
    }

    /** A configured volume as older data dirs recorded it. */
    public VolumeMetadata(String name, int nsid, UUID uuid, long sizeBytes, int blockSize, Backend backend,
                          HostList hosts) {
        this(name, nsid, uuid, sizeBytes, blockSize, backend, hosts, null, null, null, false, 0, DataServices.NONE, null,
                null);
    }

    /** A configured volume, with its data services. */
    public VolumeMetadata(String name, int nsid, UUID uuid, long sizeBytes, int blockSize, Backend backend,
                          HostList hosts, DataServices services) {
        this(name, nsid, uuid, sizeBytes, blockSize, backend, hosts, null, null, null, false, 0, services, null, null);
    }

    /** Value equality, so an unchanged volume is not rewritten (the hash, by UUID, is enough to spread them). */
    @Override
    public boolean equals(Object o) {
        return o instanceof VolumeMetadata v && name.equals(v.name) && nsid == v.nsid && uuid.equals(v.uuid)
                && sizeBytes == v.sizeBytes && blockSize == v.blockSize && backend == v.backend
                && hosts.equals(v.hosts) && dataFile.equals(v.dataFile)
                && labels.equals(v.labels) && Objects.equals(qosPolicy, v.qosPolicy) && managed == v.managed
                && createdMillis == v.createdMillis && services.equals(v.services)
                && Objects.equals(snapshotOf, v.snapshotOf) && Objects.equals(clonedFrom, v.clonedFrom);
    }

    @Override
    public int hashCode() {
        return uuid.hashCode();
    }

    /** A snapshot exported read-only, not a volume of its own. */
    public boolean isSnapshotExport() {
        return snapshotOf != null;
    }

    public VolumeMetadata withSizeAndHosts(long newSize, HostList newHosts) {
        return new VolumeMetadata(name, nsid, uuid, newSize, blockSize, backend, newHosts, dataFile, labels,
                qosPolicy, managed, createdMillis, services, snapshotOf,
                clonedFrom);
    }

    public VolumeMetadata withNsid(int newNsid) {
        return new VolumeMetadata(name, newNsid, uuid, sizeBytes, blockSize, backend, hosts, dataFile, labels,
                qosPolicy, managed, createdMillis, services, snapshotOf,
                clonedFrom);
    }

    public VolumeMetadata withName(String newName) {
        return new VolumeMetadata(newName, nsid, uuid, sizeBytes, blockSize, backend, hosts, dataFile, labels,
                qosPolicy, managed, createdMillis, services, snapshotOf,
                clonedFrom);
    }

    public VolumeMetadata withLabels(Map<String, String> newLabels) {
        return new VolumeMetadata(name, nsid, uuid, sizeBytes, blockSize, backend, hosts, dataFile,
                new TreeMap<>(newLabels), qosPolicy, managed, createdMillis, services, snapshotOf,
                clonedFrom);
    }

    public VolumeMetadata withQosPolicy(String policy) {
        return new VolumeMetadata(name, nsid, uuid, sizeBytes, blockSize, backend, hosts, dataFile, labels,
                policy, managed, createdMillis, services, snapshotOf,
                clonedFrom);
    }

    /** The record's fields in a metadata store (a cluster's volume record carries placement beside them). */
    public Map<String, String> toFields() {
        Properties p = toProperties();
        Map<String, String> fields = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> fields.put(k, p.getProperty(k)));
        return fields;
    }

    /** Reads fields written by {@link #toFields()}, ignoring others; IllegalArgumentException names what is wrong. */
    public static VolumeMetadata fromFields(Map<String, String> fields) {
        Properties p = new Properties();
        p.putAll(fields);
        return fromProperties(p);
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
        if (!dataFile.equals(name + DATA_SUFFIX)) {
            p.setProperty(DATA_FILE, dataFile);
        }
        labels.forEach((k, v) -> p.setProperty(LABEL_PREFIX + k, v));
        if (qosPolicy != null) {
            p.setProperty(QOS_POLICY, qosPolicy);
        }
        if (managed) {
            p.setProperty(MANAGED, "true");
        }
        if (createdMillis != 0) {
            p.setProperty(CREATED, Long.toString(createdMillis));
        }
        if (snapshotOf != null) {
            p.setProperty(SNAPSHOT_OF, snapshotOf);
        }
        if (clonedFrom != null) {
            p.setProperty(CLONED_FROM, clonedFrom.ref());
            p.setProperty(CLONED_FROM_ID, Integer.toString(clonedFrom.snapshotId()));
        }
        if (!services.equals(DataServices.NONE)) {
            p.setProperty(COMPRESSION, services.compression());
            p.setProperty(DEDUP, Boolean.toString(services.dedup()));
            p.setProperty(ENCRYPTION, Boolean.toString(services.encryption()));
        }
        return p;
    }

    /** Reads the properties; throws IllegalArgumentException naming what is wrong. */
    static VolumeMetadata fromProperties(Properties p) {
        try {
            SortedMap<String, String> labels = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith(LABEL_PREFIX)) {
                    labels.put(key.substring(LABEL_PREFIX.length()), p.getProperty(key));
                }
            }
            String dataFile = p.getProperty(DATA_FILE);
            if (dataFile != null && (dataFile.contains("/") || dataFile.startsWith("."))) {
                throw new IllegalArgumentException("bad " + DATA_FILE + " " + dataFile);
            }
            return new VolumeMetadata(required(p, NAME), Integer.parseInt(required(p, NSID)),
                    UUID.fromString(required(p, UUID_KEY)), Long.parseLong(required(p, SIZE)),
                    Integer.parseInt(required(p, BLOCK_SIZE)), Backend.parse(required(p, BACKEND)),
                    Hosts.parse(required(p, HOSTS)), dataFile, labels, p.getProperty(QOS_POLICY),
                    Boolean.parseBoolean(p.getProperty(MANAGED, "false")),
                    Long.parseLong(p.getProperty(CREATED, "0")),
                    new DataServices(p.getProperty(COMPRESSION, "off"),
                            Boolean.parseBoolean(p.getProperty(DEDUP, "false")),
                            Boolean.parseBoolean(p.getProperty(ENCRYPTION, "false"))),
                    p.getProperty(SNAPSHOT_OF), p.getProperty(CLONED_FROM) == null ? null
                            : CloneSource.parse(p.getProperty(CLONED_FROM), p.getProperty(CLONED_FROM_ID)));
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
