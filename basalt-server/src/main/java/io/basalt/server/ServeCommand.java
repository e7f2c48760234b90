package io.basalt.server;

import io.basalt.cli.UsageErrorHandler;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ClusterSettings;
import io.basalt.server.config.DataPathConfig;
import io.basalt.server.config.EngineSettings;
import io.basalt.control.volume.ConfigException;
import io.basalt.server.config.ConfigFile;
import io.basalt.server.config.ServeConfig;
import io.basalt.server.volume.EnginePool;
import io.basalt.server.volume.Overcommit;
import io.basalt.control.volume.VolumeMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code basalt serve}: run a brick until SIGTERM or SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a brick: export volumes to hosts over NVMe/TCP until SIGTERM or Ctrl-C.",
        footer = {"", "Every option may also be set in the --config YAML file under the same name (volumes: a list).",
                "Options given on the command line win. See docs/configuration.md."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file with the settings below.")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where metadata and volume data live (default: " + ServeConfig.DATA_DIR_DEFAULT + ").")
    Path dataDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "NVMe/TCP I/O port, which also answers discovery (default: " + ServeConfig.LISTEN_DEFAULT + ").")
    String listen;

    @Option(names = "--discovery-listen", paramLabel = "HOST:PORT|none",
            description = "Dedicated discovery port, or none (default: " + ServeConfig.DISCOVERY_LISTEN_DEFAULT + ").")
    String discoveryListen;

    @Option(names = "--volume", paramLabel = "SPEC",
            description = {"Export a volume (repeatable): name=NAME,size=SIZE[,hosts=NQN;NQN|any]"
                    + "[,block-size=512|4096][,backend=engine|file|ram][,compression=lz4|zstd|off][,dedup=on|off]"
                    + "[,encryption=aes-xts|off] (data services: engine volumes only; default lz4, off, off).",
                    "Without hosts= no host may see it. Default when no volume is configured and the data dir "
                            + "has none: " + ServeConfig.DEFAULT_VOLUME + "."})
    List<String> volumes;

    @Option(names = "--device", paramLabel = "PATH",
            description = {"A device of the engine pool (repeatable): a file (created sparse if missing) or a block "
                    + "device. Used by volumes with backend=engine.",
                    "Default: one sparse file, DATA_DIR/" + EnginePool.DEFAULT_DEVICE_FILE + "."})
    List<Path> devices;

    @Option(names = "--kek-file", paramLabel = "PATH",
            description = {"Key-encryption key wrapping the keys of encrypted volumes (encryption=aes-xts): 64 hex "
                    + "digits or 32 bytes; created with mode 0600 if missing; refused if group/others can read it.",
                    "Default: none (encrypted volumes are refused). Keep it off the pool's devices."})
    String kekFile;

    @Option(names = "--rotate-kek-from", paramLabel = "PATH",
            description = "KEK rotation: open the pool with this previous key file and re-wrap every volume key "
                    + "under --kek-file (no data is rewritten); afterwards the old file is no longer needed.")
    String rotateKekFrom;

    @Option(names = "--dedup-index-memory", paramLabel = "SIZE",
            description = "Heap for the dedup fingerprint index (default 64MiB); when full, some duplicates are "
                    + "missed, nothing is lost.")
    String dedupIndexMemory;

    // Descriptions are format strings: a percent sign is written %%.
    @Option(names = "--overprovision", paramLabel = "PERCENT",
            description = "Share of the engine pool's space kept free for the cleaner, not offered as capacity "
                    + "(default 15%%; 2%%-50%%). More lowers write amplification under random overwrites.")
    String overprovision;

    @Option(names = "--preallocate", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
            description = "Write a pool file the brick creates once, whole, before use: durable writes never wait "
                    + "for the file system's allocation, but the file takes its full size at once (default: false).")
    String preallocate;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Event loops serving connections; 0 = one per core (default: 0).")
    String ioThreads;

    @Option(names = "--busy-poll", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
            description = "Event loops spin instead of sleeping: lowest latency, one busy core each (default: false).")
    String busyPoll;

    @Option(names = "--tcp-congestion", paramLabel = "ALGORITHM",
            description = "TCP congestion control of the NVMe/TCP connections, e.g. cubic or dctcp (default: the "
                    + "machine's, net.ipv4.tcp_congestion_control).")
    String tcpCongestion;

    @Option(names = "--api-listen", paramLabel = "HOST:PORT|none",
            description = "Management REST API (and /metrics), or none (default: " + ApiConfig.LISTEN_DEFAULT + ").")
    String apiListen;

    @Option(names = "--api-tls-cert", paramLabel = "PEM", description = "Serve the API over HTTPS with this certificate chain.")
    String apiTlsCert;

    @Option(names = "--api-tls-key", paramLabel = "PEM", description = "The certificate's PKCS#8 private key.")
    String apiTlsKey;

    @Option(names = "--api-jwt-public-key", paramLabel = "PEM",
            description = "Require RS256 bearer tokens verified by this RSA public key (roles admin, viewer).")
    String apiJwtPublicKey;

    @Option(names = "--api-jwt-issuer", paramLabel = "ISS", description = "Required iss claim of API tokens.")
    String apiJwtIssuer;

    @Option(names = "--api-jwt-audience", paramLabel = "AUD", description = "Required aud claim of API tokens.")
    String apiJwtAudience;

    @Option(names = "--cluster-etcd", paramLabel = "URL[,URL...]",
            description = {"Join a cluster whose metadata lives in these etcd members (http://HOST:PORT). Without it "
                    + "the brick runs on its own, with local metadata. See docs/cluster.md."})
    String clusterEtcd;

    @Option(names = "--brick-name", paramLabel = "NAME",
            description = "This brick's name in the cluster: unique, kept for the brick's life (required in a cluster).")
    String brickName;

    @Option(names = "--failure-domain", paramLabel = "KEY=VALUE",
            description = "A failure-domain label (repeatable), e.g. rack=r1: replicas of a volume never share one.")
    List<String> failureDomains;

    @Option(names = "--advertise", paramLabel = "HOST:PORT",
            description = "The NVMe/TCP address hosts and other bricks reach this brick at (default: --listen).")
    String advertise;

    @Option(names = "--cluster-name", paramLabel = "NAME",
            description = "The cluster's name, its key prefix in etcd (default: " + ClusterSettings.CLUSTER_NAME_DEFAULT
                    + ").")
    String clusterName;

    @Option(names = "--cluster-lease-ttl", paramLabel = "DURATION",
            description = "Heartbeat lease: a brick silent this long is unreachable, a silent leader is replaced "
                    + "(default 3s; 2s-60s).")
    String clusterLeaseTtl;

    @Option(names = "--cluster-failed-after", paramLabel = "DURATION",
            description = "How long a brick may stay unreachable before it is marked failed (default 1h).")
    String clusterFailedAfter;

    @Option(names = "--replication-listen", paramLabel = "HOST:PORT",
            description = "Where primaries on other bricks send this brick their volumes' writes (default: the "
                    + "listen host, port " + ClusterSettings.REPLICATION_PORT_DEFAULT + "; port 0 when --listen has "
                    + "port 0).")
    String replicationListen;

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile Brick brick;

    @Override
    public Integer call() {
        ServeConfig resolved;
        try {
            // Scalar settings given as flags, by config key (API and data path).
            java.util.Map<String, String> api = new java.util.HashMap<>();
            putIfGiven(api, ApiConfig.LISTEN_KEY, apiListen);
            putIfGiven(api, ApiConfig.TLS_CERT_KEY, apiTlsCert);
            putIfGiven(api, ApiConfig.TLS_KEY_KEY, apiTlsKey);
            putIfGiven(api, ApiConfig.JWT_PUBLIC_KEY_KEY, apiJwtPublicKey);
            putIfGiven(api, ApiConfig.JWT_ISSUER_KEY, apiJwtIssuer);
            putIfGiven(api, ApiConfig.JWT_AUDIENCE_KEY, apiJwtAudience);
            putIfGiven(api, DataPathConfig.IO_THREADS_KEY, ioThreads);
            putIfGiven(api, DataPathConfig.BUSY_POLL_KEY, busyPoll);
            putIfGiven(api, DataPathConfig.TCP_CONGESTION_KEY, tcpCongestion);
            putIfGiven(api, EngineSettings.KEK_FILE_KEY, kekFile);
            putIfGiven(api, EngineSettings.ROTATE_KEK_FROM_KEY, rotateKekFrom);
            putIfGiven(api, EngineSettings.DEDUP_INDEX_MEMORY_KEY, dedupIndexMemory);
            putIfGiven(api, EngineSettings.OVERPROVISION_KEY, overprovision);
            putIfGiven(api, EngineSettings.PREALLOCATE_KEY, preallocate);
            putIfGiven(api, ClusterSettings.ETCD_KEY, clusterEtcd);
            putIfGiven(api, ClusterSettings.BRICK_NAME_KEY, brickName);
            putIfGiven(api, ClusterSettings.FAILURE_DOMAIN_KEY, failureDomains == null ? null
                    : String.join(",", failureDomains));
            putIfGiven(api, ClusterSettings.ADVERTISE_KEY, advertise);
            putIfGiven(api, ClusterSettings.CLUSTER_NAME_KEY, clusterName);
            putIfGiven(api, ClusterSettings.LEASE_TTL_KEY, clusterLeaseTtl);
            putIfGiven(api, ClusterSettings.FAILED_AFTER_KEY, clusterFailedAfter);
            putIfGiven(api, ClusterSettings.REPLICATION_LISTEN_KEY, replicationListen);
            resolved = ServeConfig.resolve(config == null ? null : ConfigFile.load(config), dataDir, listen,
                    discoveryListen, volumes, api, devices);
        } catch (ConfigException e) {
            return UsageErrorHandler.report(spec, e.getMessage());
        }
        Brick started;
        try {
            started = Brick.start(resolved);
        } catch (StartupException e) {
            spec.commandLine().getErr().println("basalt serve: " + e.getMessage());
            return BasaltMain.EXIT_FAILURE;
        }
        // A JVM exit for any other reason (SIGHUP, System.exit) still closes the stores.
        Thread hook = new Thread(started::close, "basalt-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        brick = started;
        try {
            spec.commandLine().getOut().print(Banner.render(started));
            spec.commandLine().getOut().flush();
            warnAboutHiddenVolumes(started);
            warnAboutOvercommit(started);
            Signals.onTerminate(stop::countDown);
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            started.close();
            removeHook(hook);
        }
        return BasaltMain.EXIT_OK;
    }

    private static void putIfGiven(java.util.Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static void warnAboutHiddenVolumes(Brick brick) {
        hiddenVolumeWarnings(brick.volumes().stream().map(Brick.ExportedVolume::metadata).toList()).forEach(LOG::warn);
    }

    static List<String> hiddenVolumeWarnings(List<VolumeMetadata> volumes) {
        List<String> warnings = new ArrayList<>();
        for (VolumeMetadata v : volumes) {
            if (!v.hosts().isAny() && v.hosts().hosts().isEmpty()) {
                warnings.add("Volume " + v.name() + " allows no host, so no host can see it: " + howToAllowHosts(v));
            }
        }
        if (volumes.stream().noneMatch(v -> v.hosts().isAny() || !v.hosts().hosts().isEmpty())) {
            warnings.add("No exported volume allows any host, so every host's Connect will be refused");
        }
        return warnings;
    }

    /**
     * Where a volume's hosts are set: the configuration re-applies its volumes' hosts at every start, so
     * for those the fix goes there; a volume created through the API keeps what the API set.
     */
    private static String howToAllowHosts(VolumeMetadata v) {
        return v.managed()
                ? "allow one with 'basalt host allow " + v.name() + " NQN' (or 'basalt volume update " + v.name()
                        + " --hosts any')"
                : "add hosts=any or hosts=NQN;NQN to its --volume (hosts: in the config file)";
    }

    /** Volumes given on the command line or in the config may over-commit the pool too: say so on stderr. */
    private void warnAboutOvercommit(Brick brick) {
        Overcommit overcommit = brick.volumeManager().overcommit();
        if (overcommit.warns()) {
            spec.commandLine().getErr().println("basalt serve: warning: " + overcommit.describe());
            spec.commandLine().getErr().flush();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs, and Brick.close is idempotent.
        }
    }

    /** Asks a running serve to stop, as SIGTERM does. */
    void requestStop() {
        stop.countDown();
    }

    /** The running brick, or null before it has started. */
    Brick brick() {
        return brick;
    }
}
