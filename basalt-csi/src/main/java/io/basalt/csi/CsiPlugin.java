package io.basalt.csi;

import io.basalt.api.ApiException;
import io.basalt.api.client.ApiClient;
import io.basalt.csi.brick.BasaltApi;
import io.basalt.csi.controller.ControllerService;
import io.basalt.csi.controller.ControllerSettings;
import io.basalt.csi.identity.IdentityService;
import io.basalt.csi.node.NodeService;
import io.basalt.csi.node.NodeSettings;
import io.basalt.csi.node.Polling;
import io.basalt.csi.node.CommandRunner;
import io.grpc.BindableService;
import io.grpc.StatusRuntimeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Assembles the plugin for a mode — the Identity service always, the Controller service (which needs
 * the Basalt API) and the Node service (which needs the host) as asked — and serves them on the
 * socket. {@code basalt csi} and the tests both start it here.
 */
public final class CsiPlugin {
    /** Which services one process serves: the controller Deployment runs {@code controller}, the node DaemonSet {@code node}. */
    public enum Mode {
        CONTROLLER, NODE, ALL;

        boolean controller() {
            return this != NODE;
        }

        boolean node() {
            return this != CONTROLLER;
        }
    }

    /**
     * @param api    the Basalt REST API (a brick's, or any brick's of a cluster); needed by the controller
     * @param token  bearer token for the API, or null
     * @param runner how the node runs host commands
     */
    public record Config(Mode mode, Path socket, URI api, String token, ControllerSettings controller,
                         NodeSettings node, CommandRunner runner, Polling polling) {
    }

    private CsiPlugin() {
    }

    public static CsiServer start(Config c) throws IOException {
        List<BindableService> services = new ArrayList<>();
        List<Supplier<String>> checks = new ArrayList<>();
        if (c.mode().controller()) {
            if (c.api() == null) {
                throw new IllegalArgumentException("the controller needs the Basalt API's URL (--api)");
            }
            BasaltApi api = new BasaltApi(new ApiClient(c.api(), c.token()));
            services.add(new ControllerService(api, c.controller()));
            checks.add(() -> apiProblem(api, c.api()));
        }
        if (c.mode().node()) {
            NodeService node = new NodeService(c.node(), c.runner(), c.polling());
            services.add(node);
            checks.add(() -> {
                try {
                    node.nodeId();
                    return null;
                } catch (StatusRuntimeException e) {
                    return e.getStatus().getDescription();
                }
            });
        }
        services.addFirst(new IdentityService(PluginVersion.version(), c.mode().controller(), () -> {
            for (Supplier<String> check : checks) {
                String why = check.get();
                if (why != null) {
                    return why;
                }
            }
            return null;
        }));
        return CsiServer.start(c.socket(), services);
    }

    /** Why the API cannot serve the controller, or null when it answers. */
    private static String apiProblem(BasaltApi api, URI url) {
        try {
            api.brick();
            return null;
        } catch (UncheckedIOException e) {
            return "the Basalt API at " + url + " is unreachable: " + e.getCause();
        } catch (ApiException e) {
            return "the Basalt API at " + url + " refused: HTTP " + e.status() + " " + e.reason();
        } catch (RuntimeException e) {
            return "the Basalt API at " + url + " answered unexpectedly: " + e;
        }
    }
}
