package io.basalt.server;

import io.basalt.server.config.ConfigException;
import io.basalt.server.config.ConfigFile;
import io.basalt.server.config.ServeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
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
                    + "[,block-size=512|4096][,backend=file|ram|engine].",
                    "Without hosts= no host may see it. Default when no volume is configured and the data dir "
                            + "has none: " + ServeConfig.DEFAULT_VOLUME + "."})
    List<String> volumes;

    @Option(names = "--device", paramLabel = "PATH",
            description = {"A device of the engine pool (repeatable): a file (created sparse if missing) or a block "
                    + "device. Used by volumes with backend=engine.",
                    "Default: one sparse file, DATA_DIR/" + ServeConfig.DEFAULT_DEVICE_FILE + "."})
    List<Path> devices;

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile Brick brick;

    @Override
    public Integer call() {
        ServeConfig resolved;
        try {
            resolved = ServeConfig.resolve(config == null ? null : ConfigFile.load(config), dataDir, listen,
                    discoveryListen, volumes, devices);
        } catch (ConfigException e) {
            return BasaltMain.usageError(spec, e.getMessage());
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

    private static void warnAboutHiddenVolumes(Brick brick) {
        for (Brick.ExportedVolume v : brick.volumes()) {
            if (!v.metadata().hosts().isAny() && v.metadata().hosts().hosts().isEmpty()) {
                LOG.warn("Volume {} allows no host, so no host can see it: add hosts=any or hosts=NQN;NQN to its "
                        + "--volume (hosts: in the config file)", v.metadata().name());
            }
        }
        if (brick.volumes().stream().noneMatch(v -> v.metadata().hosts().isAny()
                || !v.metadata().hosts().hosts().isEmpty())) {
            LOG.warn("No exported volume allows any host, so every host's Connect will be refused");
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
