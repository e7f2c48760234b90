package io.basalt.csi;

import io.basalt.csi.controller.ControllerSettings;
import io.basalt.csi.node.NodeSettings;
import io.basalt.csi.node.Polling;
import io.basalt.csi.node.ProcessRunner;
import io.basalt.csi.rpc.FailureDomains;
import io.basalt.csi.rpc.Zone;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code basalt csi}: the Kubernetes CSI plugin. Serves until SIGTERM. See docs/kubernetes.md.
 */
@Command(name = "csi", mixinStandardHelpOptions = true,
        description = "Serve the Kubernetes CSI plugin (controller, node or both) on a Unix socket.")
public final class CsiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--mode", paramLabel = "controller|node|all", description = "Services to serve (default: all).")
    String mode = "all";

    @Option(names = "--endpoint", paramLabel = "unix:///PATH", description = "The CSI socket (default: $CSI_ENDPOINT "
            + "or unix:///csi/csi.sock).")
    String endpoint;

    @Option(names = "--api", paramLabel = "URL", description = "The Basalt REST API, of a brick or any brick of a "
            + "cluster (default: $BASALT_API); the controller needs it.")
    String api;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the API's bearer token "
            + "(default: $BASALT_TOKEN, else none).")
    Path tokenFile;

    @Option(names = "--zone", paramLabel = "NAME", description = "Topology zone (" + Zone.KEY + "; default: "
            + Zone.DEFAULT + ").")
    String zone = Zone.DEFAULT;

    @Option(names = "--failure-domain", paramLabel = "KEY=VALUE", description = "A failure domain this node is in, "
            + "in the bricks' terms (serve --failure-domain), reported as " + FailureDomains.PREFIX + "KEY "
            + "(repeatable; node).")
    Map<String, String> failureDomains = new LinkedHashMap<>();

    @Option(names = "--failure-domain-file", paramLabel = "FILE", description = "A file of KEY=VALUE lines: more "
            + "failure domains of this node, for values that differ per node; a missing file names none (node).")
    Path failureDomainFile;

    @Option(names = "--target", paramLabel = "HOST:PORT", description = "NVMe/TCP path to give nodes instead of "
            + "the endpoints the API reports (repeatable).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--node-id", paramLabel = "NQN", description = "This node's host NQN (default: the content "
            + "of --hostnqn-file).")
    String nodeId;

    @Option(names = "--hostnqn-file", paramLabel = "FILE", description = "Default: /etc/nvme/hostnqn.")
    Path hostNqnFile = NodeSettings.HOSTNQN_FILE_DEFAULT;

    @Option(names = "--ctrl-loss-tmo", paramLabel = "SECONDS", description = "nvme connect --ctrl-loss-tmo "
            + "(default: " + NodeSettings.CTRL_LOSS_TMO_DEFAULT + "; -1 retries forever).")
    int ctrlLossTmo = NodeSettings.CTRL_LOSS_TMO_DEFAULT;

    @Option(names = "--reconnect-delay", paramLabel = "SECONDS", description = "nvme connect --reconnect-delay "
            + "(default: " + NodeSettings.RECONNECT_DELAY_DEFAULT + ").")
    int reconnectDelay = NodeSettings.RECONNECT_DELAY_DEFAULT;

    @Option(names = "--device-timeout", paramLabel = "SECONDS", description = "How long to wait for a namespace "
            + "or a new size to appear (default: 60).")
    int deviceTimeout = 60;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the node records staged volumes "
            + "(default: /var/lib/basalt-csi).")
    Path stateDir = Path.of("/var/lib/basalt-csi");

    /**
     * The file's domains, then the flags' (which win); refused unless each can be a Kubernetes label.
     * A missing file is a node whose provisioning wrote none (the manifests mount the file's directory
     * on every node, written or not).
     */
    Map<String, String> nodeFailureDomains() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        if (failureDomainFile != null && Files.exists(failureDomainFile)) {
            for (String line : Files.readAllLines(failureDomainFile)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    throw new ParameterException(spec.commandLine(), failureDomainFile + ": expected KEY=VALUE, not '"
                            + l + "'");
                }
                all.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        }
        all.putAll(failureDomains);
        for (Map.Entry<String, String> e : all.entrySet()) {
            String why = FailureDomains.invalid(e.getKey(), e.getValue());
            if (why != null) {
                throw new ParameterException(spec.commandLine(), why);
            }
        }
        return all;
    }

    @Override
    public Integer call() throws IOException {
        CsiPlugin.Mode m = switch (mode) {
            case "controller" -> CsiPlugin.Mode.CONTROLLER;
            case "node" -> CsiPlugin.Mode.NODE;
            case "all" -> CsiPlugin.Mode.ALL;
            default -> throw new ParameterException(spec.commandLine(), "--mode must be controller, node or all, not '"
                    + mode + "'");
        };
        String ep = endpoint != null ? endpoint : System.getenv().getOrDefault("CSI_ENDPOINT", "unix:///csi/csi.sock");
        Path socket;
        try {
            socket = Endpoint.socketPath(ep);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String apiUrl = api != null ? api : System.getenv("BASALT_API");
        URI apiUri = apiUrl == null ? null : URI.create(apiUrl);
        if (m != CsiPlugin.Mode.NODE && (apiUri == null || apiUri.getHost() == null)) {
            throw new ParameterException(spec.commandLine(), "the controller needs --api http(s)://HOST:PORT (or $BASALT_API)");
        }
        String token = tokenFile != null ? Files.readString(tokenFile).trim() : System.getenv("BASALT_TOKEN");
        Zone z = new Zone(zone);
        CsiPlugin.Config config = new CsiPlugin.Config(m, socket, apiUri, token,
                new ControllerSettings(z, apiUri == null ? "" : apiUri.getHost(), targets),
                new NodeSettings(nodeId, hostNqnFile, z, ctrlLossTmo, reconnectDelay,
                        Duration.ofSeconds(deviceTimeout), stateDir, nodeFailureDomains()),
                new ProcessRunner(Duration.ofMinutes(2)), Polling.realTime());
        CsiServer server = CsiPlugin.start(config);
        Thread hook = new Thread(server::close, "csi-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getOut().println("basalt csi " + PluginVersion.version() + ": serving " + mode + " on "
                + socket + (apiUri != null ? " for the API at " + apiUri : ""));
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            // Stopped by whoever runs the command in-process (a test): as SIGTERM would, stop serving.
            Thread.currentThread().interrupt();
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down and runs the hook itself.
            }
        }
        return 0;
    }
}
