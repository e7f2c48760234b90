package io.basalt.control.volume;

import io.basalt.units.Sizes;
import io.basalt.control.HostList;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A volume as configured: {@code name=NAME,size=SIZE[,hosts=NQN;NQN|any][,block-size=512|4096]
 * [,backend=file|ram|engine][,compression=lz4|zstd|off][,dedup=on|off][,encryption=aes-xts|off]} on the
 * command line, or the same keys as a YAML map.
 *
 * @param hosts    who may see it; without {@code hosts=} nobody may
 * @param services inline data services; {@link DataServices#NONE} unless the backend is the engine
 */
public record VolumeSpec(String name, long sizeBytes, HostList hosts, int blockSize, Backend backend,
                         DataServices services) {
    public static final String NAME_KEY = "name";
    public static final String SIZE_KEY = "size";
    public static final String HOSTS_KEY = "hosts";
    public static final String BLOCK_SIZE_KEY = "block-size";
    public static final String BACKEND_KEY = "backend";
    public static final Set<String> KEYS = Set.of(NAME_KEY, SIZE_KEY, HOSTS_KEY, BLOCK_SIZE_KEY, BACKEND_KEY,
            DataServices.COMPRESSION_KEY, DataServices.DEDUP_KEY, DataServices.ENCRYPTION_KEY);
    /** 4 KiB blocks: what modern file systems use, and O_DIRECT's unit, so no read-modify-write. */
    public static final int BLOCK_SIZE_DEFAULT = 4096;
    /** The storage engine: thin, checksummed, compressed; file and RAM remain for tests and special cases. */
    public static final Backend BACKEND_DEFAULT = Backend.ENGINE;
    /** Names become file names in the data dir, so they are kept plain. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Without data services (file and RAM volumes). */
    public VolumeSpec(String name, long sizeBytes, HostList hosts, int blockSize, Backend backend) {
        this(name, sizeBytes, hosts, blockSize, backend,
                backend == Backend.ENGINE ? DataServices.ENGINE_DEFAULT : DataServices.NONE);
    }

    public VolumeSpec {
        Objects.requireNonNull(hosts);
        Objects.requireNonNull(backend);
        Objects.requireNonNull(services);
        if (backend != Backend.ENGINE && !services.equals(DataServices.NONE)) {
            throw new ConfigException("volume '" + name + "': compression, dedup and encryption need backend=engine");
        }
        requireValidName(name);
        if (blockSize != 512 && blockSize != 4096) {
            throw new ConfigException("block-size must be 512 or 4096, not " + blockSize);
        }
        if (sizeBytes <= 0 || sizeBytes % blockSize != 0) {
            throw new ConfigException("size of volume '" + name + "' must be a positive multiple of the "
                    + blockSize + "-byte block size, not " + sizeBytes + " bytes");
        }
    }

    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigException("invalid volume name '" + name
                    + "' (1-64 characters: letters, digits, '.', '_', '-'; starting with a letter or digit)");
        }
        return name;
    }

    /** Parses the command-line form. */
    public static VolumeSpec parse(String spec) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String pair : (spec == null ? "" : spec).split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("expected key=value in volume spec, got '" + pair
                        + "' (e.g. name=vol1,size=10GiB,hosts=any)");
            }
            String key = pair.substring(0, eq).trim();
            if (values.put(key, pair.substring(eq + 1).trim()) != null) {
                throw new ConfigException("key '" + key + "' given twice in volume spec");
            }
        }
        return fromMap(values);
    }

    /** Builds a spec from keys and values (strings, numbers, or for hosts a list), as YAML gives them. */
    public static VolumeSpec fromMap(Map<String, ?> values) {
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException("unknown volume key '" + key
                        + "' (known: name, size, hosts, block-size, backend, compression, dedup, encryption)");
            }
        }
        if (values.get(NAME_KEY) == null) {
            throw new ConfigException("volume has no name (e.g. name=vol1,size=10GiB)");
        }
        String name = requireValidName(text(values, NAME_KEY, null));
        String size = text(values, SIZE_KEY, null);
        if (size == null) {
            throw new ConfigException("volume '" + name + "' has no size (e.g. size=10GiB)");
        }
        int blockSize = parseBlockSize(text(values, BLOCK_SIZE_KEY, String.valueOf(BLOCK_SIZE_DEFAULT)));
        Object hosts = values.get(HOSTS_KEY);
        HostList access;
        if (hosts == null) {
            access = Hosts.none();
        } else if (hosts instanceof java.util.List<?> list) {
            access = Hosts.parse(list.stream().map(String::valueOf).toList());
        } else {
            access = Hosts.parse(String.valueOf(hosts));
        }
        Backend backend = Backend.parse(text(values, BACKEND_KEY, BACKEND_DEFAULT.label()));
        long sizeBytes;
        try {
            sizeBytes = Sizes.parse(size);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return new VolumeSpec(name, sizeBytes, access, blockSize, backend,
                DataServices.fromSpec(values, backend, name));
    }

    private static String text(Map<String, ?> values, String key, String fallback) {
        Object v = values.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static int parseBlockSize(String text) {
        return switch (text.trim()) {
            case "512" -> 512;
            case "4096", "4KiB", "4k", "4K" -> 4096;
            default -> throw new ConfigException("block-size must be 512 or 4096, not '" + text + "'");
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VolumeSpec v && name.equals(v.name) && sizeBytes == v.sizeBytes
                && blockSize == v.blockSize && backend == v.backend && services.equals(v.services)
                && hosts.equals(v.hosts);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /** The command-line form, which {@link #parse} reads back. */
    public String format() {
        return "name=" + name + ",size=" + Sizes.format(sizeBytes).replace(" ", "").replace("bytes", "")
                + ",hosts=" + Hosts.format(hosts) + ",block-size=" + blockSize + ",backend=" + backend.label()
                + (backend == Backend.ENGINE ? "," + services.format() : "");
    }
}
