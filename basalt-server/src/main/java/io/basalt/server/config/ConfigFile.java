package io.basalt.server.config;

import io.basalt.control.volume.VolumeSpec;
import io.basalt.control.volume.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The YAML config file of {@code serve --config FILE}. Its keys are the flags' names:
 * <pre>
 * data-dir: /var/lib/basalt
 * listen: 0.0.0.0:4420
 * discovery-listen: none
 * volumes:
 *   - name: db
 *     size: 100GiB
 *     hosts: [nqn.2014-08.org.nvmexpress:uuid:...]
 *   - name=scratch,size=10GiB,hosts=any     # the --volume form works too
 * devices: [/dev/nvme1n1, /dev/nvme2n1]      # the engine pool's devices
 * io-threads: 1                               # event loops (0: one per core)
 * busy-poll: true                             # spin for latency
 * tcp-congestion: cubic                       # TCP congestion control of NVMe/TCP connections
 * kek-file: /etc/basalt/kek                   # key-encryption key for encrypted volumes
 * </pre>
 * Values left out are null here and take their defaults in {@link ServeConfig}.
 */
public record ConfigFile(String dataDir, InetSocketAddress listen, boolean discoveryListenGiven,
                         InetSocketAddress discoveryListen, List<VolumeSpec> volumes, Map<String, String> settings,
                         List<Path> devices) {
    public static final ConfigFile EMPTY = new ConfigFile(null, null, false, null, List.of(), Map.of(), List.of());
    private static final Set<String> KEYS = keys();

    public ConfigFile(String dataDir, InetSocketAddress listen, boolean discoveryListenGiven,
                      InetSocketAddress discoveryListen, List<VolumeSpec> volumes) {
        this(dataDir, listen, discoveryListenGiven, discoveryListen, volumes, Map.of(), List.of());
    }

    public ConfigFile(String dataDir, InetSocketAddress listen, boolean discoveryListenGiven,
                      InetSocketAddress discoveryListen, List<VolumeSpec> volumes, Map<String, String> api) {
        this(dataDir, listen, discoveryListenGiven, discoveryListen, volumes, api, List.of());
    }

    private static Set<String> keys() {
        Set<String> keys = new java.util.HashSet<>(Set.of(ServeConfig.DATA_DIR_KEY, ServeConfig.LISTEN_KEY,
                ServeConfig.DISCOVERY_LISTEN_KEY, ServeConfig.VOLUMES_KEY, ServeConfig.DEVICES_KEY));
        keys.addAll(EngineSettings.KEYS);
        keys.addAll(ApiConfig.KEYS);
        keys.addAll(DataPathConfig.KEYS);
        keys.addAll(ClusterSettings.KEYS);
        return Set.copyOf(keys);
    }

    public static ConfigFile load(Path path) {
        try (Reader reader = Files.newBufferedReader(path)) {
            return parse(reader, path.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + path + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + path + ": " + e.getMessage());
        }
    }

    /** Parses YAML text; {@code source} prefixes every error message. */
    public static ConfigFile parse(Reader yaml, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object root;
        try {
            root = new Yaml(new SafeConstructor(options)).load(yaml);
        } catch (YAMLException e) {
            throw new ConfigException(source + ": invalid YAML: " + e.getMessage().replaceAll("\\s+", " ").trim());
        }
        if (root == null) {
            return EMPTY;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException(source + ": expected a map of settings at the top level");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                String hint = "volume".equals(key) ? " (did you mean 'volumes'?)" : "";
                throw new ConfigException(source + ": unknown key '" + key + "'" + hint
                        + " (known: data-dir, listen, discovery-listen, volumes, devices, io-threads, busy-poll, tcp-congestion, kek-file, rotate-kek-from, dedup-index-memory, overprovision, "
                        + String.join(", ", new java.util.TreeSet<>(ApiConfig.KEYS)) + ")");
            }
        }
        try {
            String dataDir = scalar(map, ServeConfig.DATA_DIR_KEY);
            String listen = scalar(map, ServeConfig.LISTEN_KEY);
            String discovery = scalar(map, ServeConfig.DISCOVERY_LISTEN_KEY);
            Map<String, String> settings = new java.util.HashMap<>();
            for (Set<String> keys : List.of(ApiConfig.KEYS, DataPathConfig.KEYS, EngineSettings.KEYS,
                    ClusterSettings.KEYS)) {
                for (String key : keys) {
                    String v = scalar(map, key);
                    if (v != null) {
                        settings.put(key, v);
                    }
                }
            }
            return new ConfigFile(dataDir,
                    listen == null ? null : at(ServeConfig.LISTEN_KEY, () -> HostPort.parse(listen)),
                    discovery != null,
                    discovery == null ? null
                            : at(ServeConfig.DISCOVERY_LISTEN_KEY, () -> HostPort.parseOptional(discovery)),
                    volumes(map.get(ServeConfig.VOLUMES_KEY)), Map.copyOf(settings), devices(map.get(ServeConfig.DEVICES_KEY)));
        } catch (ConfigException e) {
            throw e.at(source);
        }
    }

    private static String scalar(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(key + ": expected a single value");
        }
        return v == null ? null : String.valueOf(v);
    }

    private static List<Path> devices(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> Path.of(String.valueOf(v))).toList();
        }
        if (value instanceof Map) {
            throw new ConfigException("devices: expected a list of paths");
        }
        return List.of(Path.of(String.valueOf(value)));
    }

    private static List<VolumeSpec> volumes(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new ConfigException("volumes: expected a list of volumes");
        }
        List<VolumeSpec> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object entry = list.get(i);
            String where = "volumes[" + i + "]";
            if (entry instanceof Map<?, ?> m) {
                Map<String, Object> values = new java.util.LinkedHashMap<>();
                m.forEach((k, v) -> values.put(String.valueOf(k), v));
                out.add(at(where, () -> VolumeSpec.fromMap(values)));
            } else if (entry instanceof String s) {
                out.add(at(where, () -> VolumeSpec.parse(s)));
            } else {
                throw new ConfigException(where + ": expected a map (name: ..., size: ...) or a name=...,size=... string");
            }
        }
        return out;
    }

    private static <T> T at(String where, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (ConfigException e) {
            throw e.at(where);
        }
    }
}
