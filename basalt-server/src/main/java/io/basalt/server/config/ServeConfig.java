package io.basalt.server.config;

import io.basalt.control.volume.VolumeSpec;
import io.basalt.control.volume.ConfigException;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything {@code serve} needs, resolved: each setting comes from its flag, else the config file,
 * else the default below. The defaults live here and nowhere else.
 *
 * @param discoveryListen null when the dedicated discovery port is off (the I/O port still answers discovery)
 * @param volumes         empty when none are configured: the brick then exports the volumes of the
 *                        previous run, or {@link #DEFAULT_VOLUME} if there are none
 * @param dataPath        event loops and polling of the NVMe/TCP data path
 * @param devices         the engine pool's devices (files or block devices); empty: one sparse
 *                        file in the data dir (see {@code EnginePool})
 * @param engine          key-encryption key, KEK rotation and dedup index memory of the engine pool
 * @param cluster         how the brick joins a cluster, or null for a brick on its own (the default)
 */
public record ServeConfig(Path dataDir, InetSocketAddress listen, InetSocketAddress discoveryListen,
                          List<VolumeSpec> volumes, ApiConfig api, List<Path> devices, DataPathConfig dataPath,
                          EngineSettings engine, ClusterSettings cluster) {
    public static final String DATA_DIR_KEY = "data-dir";
    public static final String DATA_DIR_DEFAULT = "./basalt-data";
    public static final String LISTEN_KEY = "listen";
    public static final String LISTEN_DEFAULT = "127.0.0.1:4420";
    public static final String DISCOVERY_LISTEN_KEY = "discovery-listen";
    public static final String DISCOVERY_LISTEN_DEFAULT = "127.0.0.1:8009";
    public static final String VOLUMES_KEY = "volumes";
    public static final String DEVICES_KEY = "devices";
    /** The quick-start volume, so that a bare {@code serve} gives a host something to connect to. */
    public static final String DEFAULT_VOLUME = "name=vol1,size=1GiB,hosts=any";

    /** Without the management API. */
    public ServeConfig(Path dataDir, InetSocketAddress listen, InetSocketAddress discoveryListen,
                       List<VolumeSpec> volumes) {
        this(dataDir, listen, discoveryListen, volumes, ApiConfig.OFF, List.of(), DataPathConfig.DEFAULT);
    }

    /** Without engine devices: the default pool file. */
    public ServeConfig(Path dataDir, InetSocketAddress listen, InetSocketAddress discoveryListen,
                       List<VolumeSpec> volumes, ApiConfig api) {
        this(dataDir, listen, discoveryListen, volumes, api, List.of(), DataPathConfig.DEFAULT);
    }

    /** With the default data path (event loops one per core, sleeping). */
    public ServeConfig(Path dataDir, InetSocketAddress listen, InetSocketAddress discoveryListen,
                       List<VolumeSpec> volumes, ApiConfig api, List<Path> devices) {
        this(dataDir, listen, discoveryListen, volumes, api, devices, DataPathConfig.DEFAULT);
    }

    /** Without a key-encryption key. */
    public ServeConfig(Path dataDir, InetSocketAddress listen, InetSocketAddress discoveryListen,
                       List<VolumeSpec> volumes, ApiConfig api, List<Path> devices, DataPathConfig dataPath) {
        this(dataDir, listen, discoveryListen, volumes, api, devices, dataPath, EngineSettings.DEFAULT);
    }

    /** On its own, not in a cluster. */
    public ServeConfig(Path dataDir, InetSocketAddress listen, InetSocketAddress discoveryListen,
                       List<VolumeSpec> volumes, ApiConfig api, List<Path> devices, DataPathConfig dataPath,
                       EngineSettings engine) {
        this(dataDir, listen, discoveryListen, volumes, api, devices, dataPath, engine, null);
    }

    public ServeConfig {
        Objects.requireNonNull(dataDir);
        Objects.requireNonNull(api);
        Objects.requireNonNull(dataPath);
        engine = engine == null ? EngineSettings.DEFAULT : engine;
        Objects.requireNonNull(listen);
        volumes = List.copyOf(volumes);
        devices = devices == null ? List.of() : List.copyOf(devices);
        Set<String> names = new HashSet<>();
        for (VolumeSpec v : volumes) {
            if (!names.add(v.name())) {
                throw new ConfigException("volume '" + v.name() + "' is defined twice");
            }
        }
        if (cluster != null && !volumes.isEmpty()) {
            throw new ConfigException("volumes: a brick in a cluster takes its volumes from the cluster; create them "
                    + "with 'basalt volume create' instead of configuring them");
        }
        if (discoveryListen != null && discoveryListen.getPort() != 0 && discoveryListen.equals(listen)) {
            throw new ConfigException("listen and discovery-listen are both " + HostPort.format(listen)
                    + " (the I/O port answers discovery too; use discovery-listen: none to need only one)");
        }
    }

    public static VolumeSpec defaultVolume() {
        return VolumeSpec.parse(DEFAULT_VOLUME);
    }

    /**
     * Resolves flags over file values over defaults; a null argument means "not given". Volumes given
     * as flags replace the file's list rather than adding to it.
     */
    public static ServeConfig resolve(ConfigFile file, Path dataDir, String listen, String discoveryListen,
                                      List<String> volumeFlags) {
        return resolve(file, dataDir, listen, discoveryListen, volumeFlags, java.util.Map.of());
    }

    /** As above, with the management API's flags by YAML key ({@link ApiConfig#KEYS}). */
    public static ServeConfig resolve(ConfigFile file, Path dataDir, String listen, String discoveryListen,
                                      List<String> volumeFlags, java.util.Map<String, String> apiFlags) {
        return resolve(file, dataDir, listen, discoveryListen, volumeFlags, apiFlags, null);
    }

    /** As above; {@code --device} flags, when given, replace the file's {@code devices}. */
    public static ServeConfig resolve(ConfigFile file, Path dataDir, String listen, String discoveryListen,
                                      List<String> volumeFlags, java.util.Map<String, String> apiFlags,
                                      List<Path> deviceFlags) {
        ConfigFile f = file == null ? ConfigFile.EMPTY : file;
        Path dir = dataDir != null ? dataDir : Path.of(f.dataDir() != null ? f.dataDir() : DATA_DIR_DEFAULT);
        InetSocketAddress io = listen != null ? parse("--listen", () -> HostPort.parse(listen))
                : f.listen() != null ? f.listen() : HostPort.parse(LISTEN_DEFAULT);
        InetSocketAddress discovery = discoveryListen != null
                ? parse("--discovery-listen", () -> HostPort.parseOptional(discoveryListen))
                : f.discoveryListenGiven() ? f.discoveryListen() : HostPort.parse(DISCOVERY_LISTEN_DEFAULT);
        List<VolumeSpec> volumes = f.volumes();
        if (volumeFlags != null && !volumeFlags.isEmpty()) {
            volumes = volumeFlags.stream().map(s -> parse("--volume " + s, () -> VolumeSpec.parse(s))).toList();
        }
        List<Path> devices = deviceFlags != null && !deviceFlags.isEmpty() ? deviceFlags : f.devices();
        return new ServeConfig(dir, io, discovery, volumes, ApiConfig.resolve(f.settings(), apiFlags), devices,
                DataPathConfig.resolve(f.settings(), apiFlags), EngineSettings.resolve(f.settings(), apiFlags),
                ClusterSettings.resolve(f.settings(), apiFlags, io));
    }

    private static <T> T parse(String where, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (ConfigException e) {
            throw e.at(where);
        }
    }
}
