package io.basalt.csi;

import io.basalt.csi.identity.IdentityService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes agrees with itself and with the plugin: one driver name everywhere, every
 * sidecar talks to the socket the plugin serves, the kubelet finds the node's socket where the
 * node plugin puts it, both pods run the same plugin image with flags {@code basalt csi} accepts,
 * and every service account and role a binding names exists.
 */
class DeploymentManifestsTest {
    private static final Path DIR = Path.of("..", "deploy", "kubernetes");
    private static final List<Map<String, Object>> OBJECTS = new ArrayList<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader r = Files.newBufferedReader(f)) {
                    for (Object o : new Yaml().loadAll(r)) {
                        if (o != null) {
                            OBJECTS.add((Map<String, Object>) o);
                        }
                    }
                }
            }
        }
        assertThat(OBJECTS).as("manifests in " + DIR.toAbsolutePath()).hasSizeGreaterThan(10);
    }

    private static List<Map<String, Object>> ofKind(String kind) {
        return OBJECTS.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    private static Map<String, Object> one(String kind) {
        List<Map<String, Object>> all = ofKind(kind);
        assertThat(all).as(kind).hasSize(1);
        return all.getFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String... path) {
        Map<String, Object> m = (Map<String, Object>) o;
        for (String p : path) {
            m = (Map<String, Object>) m.get(p);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    private static String name(Map<String, Object> o) {
        return (String) map(o, "metadata").get("name");
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(workload, "spec", "template", "spec");
    }

    private static Map<String, Object> container(Map<String, Object> workload, String name) {
        return list(podSpec(workload), "containers").stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in " + name(workload)));
    }

    @SuppressWarnings("unchecked")
    private static List<String> args(Map<String, Object> container) {
        return (List<String>) container.get("args");
    }

    private static String flag(Map<String, Object> container, String flag) {
        return args(container).stream().filter(a -> a.startsWith(flag + "=")).map(a -> a.substring(flag.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError(container.get("name") + " has no " + flag));
    }

    /** The name of the volume a container mounts at the socket's directory. */
    private static String volumeAt(Map<String, Object> container, Path socket) {
        return list(container, "volumeMounts").stream()
                .filter(m -> socket.getParent().toString().equals(m.get("mountPath")))
                .map(m -> (String) m.get("name")).findFirst()
                .orElseThrow(() -> new AssertionError(container.get("name") + " mounts nothing at " + socket.getParent()));
    }

    @Test
    void shouldNameTheDriverAlikeEverywhere() {
        assertThat(name(one("CSIDriver"))).isEqualTo(IdentityService.PLUGIN_NAME);
        assertThat(one("StorageClass").get("provisioner")).isEqualTo(IdentityService.PLUGIN_NAME);
        assertThat(one("VolumeSnapshotClass").get("driver")).isEqualTo(IdentityService.PLUGIN_NAME);
        assertThat(map(one("CSIDriver"), "spec").get("attachRequired")).as("publish masks per node").isEqualTo(true);
    }

    @Test
    void shouldPointEveryControllerSidecarAtThePluginsSocket() {
        Map<String, Object> deployment = one("Deployment");
        Map<String, Object> plugin = container(deployment, "basalt-csi");
        assertThat(flag(plugin, "--mode")).isEqualTo("controller");
        Path socket = Endpoint.socketPath(flag(plugin, "--endpoint"));
        String volume = volumeAt(plugin, socket);
        for (String sidecar : List.of("csi-provisioner", "csi-attacher", "csi-resizer", "csi-snapshotter", "liveness-probe")) {
            Map<String, Object> c = container(deployment, sidecar);
            Path address = Path.of(flag(c, "--csi-address"));
            assertThat(address).as(sidecar).isEqualTo(socket);
            assertThat(volumeAt(c, address)).as(sidecar + " shares the socket's volume").isEqualTo(volume);
        }
    }

    @Test
    void shouldRegisterTheNodeSocketWhereTheKubeletLooks() {
        Map<String, Object> daemonSet = one("DaemonSet");
        Map<String, Object> plugin = container(daemonSet, "basalt-csi");
        assertThat(flag(plugin, "--mode")).isEqualTo("node");
        Path socket = Endpoint.socketPath(flag(plugin, "--endpoint"));
        Path pluginDir = Path.of("/var/lib/kubelet/plugins", IdentityService.PLUGIN_NAME);
        assertThat(socket.getParent()).isEqualTo(pluginDir);
        Map<String, Object> registrar = container(daemonSet, "node-driver-registrar");
        assertThat(Path.of(flag(registrar, "--kubelet-registration-path"))).isEqualTo(socket);
        assertThat(Path.of(flag(registrar, "--csi-address"))).isEqualTo(socket);
        String volume = volumeAt(plugin, socket);
        assertThat(volumeAt(registrar, socket)).isEqualTo(volume);
        Map<String, Object> hostPath = list(podSpec(daemonSet), "volumes").stream()
                .filter(v -> volume.equals(v.get("name"))).map(v -> map(v, "hostPath")).findFirst().orElseThrow();
        assertThat(hostPath.get("path")).as("the socket is on the host, where the kubelet dials it")
                .isEqualTo(pluginDir.toString());
        assertThat(map(container(daemonSet, "basalt-csi"), "securityContext").get("privileged")).isEqualTo(true);
        assertThat(podSpec(daemonSet).get("hostNetwork")).isEqualTo(true);
    }

    @Test
    void shouldPassTopologyToTheControllerAndReadTheNodesFailureDomainsFromTheHost() {
        Map<String, Object> provisioner = container(one("Deployment"), "csi-provisioner");
        assertThat(flag(provisioner, "--feature-gates")).as("the plugin advertises accessibility constraints")
                .contains("Topology=true");
        assertThat(flag(provisioner, "--immediate-topology")).as("placement balances an Immediate claim itself")
                .isEqualTo("false");
        Map<String, Object> daemonSet = one("DaemonSet");
        Path file = Path.of(flag(container(daemonSet, "basalt-csi"), "--failure-domain-file"));
        String volume = volumeAt(container(daemonSet, "basalt-csi"), file);
        Map<String, Object> hostPath = list(podSpec(daemonSet), "volumes").stream()
                .filter(v -> volume.equals(v.get("name"))).map(v -> map(v, "hostPath")).findFirst().orElseThrow();
        assertThat(hostPath.get("path")).as("the node's own file, written with its host NQN")
                .isEqualTo(file.getParent().toString());
    }

    @Test
    void shouldRunOnePluginImageWithFlagsTheCommandAccepts() {
        Map<String, Object> controller = container(one("Deployment"), "basalt-csi");
        Map<String, Object> node = container(one("DaemonSet"), "basalt-csi");
        assertThat(controller.get("image")).isEqualTo(node.get("image"));
        for (Map<String, Object> c : List.of(controller, node)) {
            List<String> a = args(c);
            assertThat(a.getFirst()).isEqualTo("csi");
            new CommandLine(new CsiCommand()).parseArgs(a.subList(1, a.size()).toArray(String[]::new));
        }
        for (Map<String, Object> w : List.of(one("Deployment"), one("DaemonSet"))) {
            for (Map<String, Object> c : list(podSpec(w), "containers")) {
                assertThat((String) c.get("image")).as("pinned: " + c.get("name")).matches(".+:v?\\d+(\\.\\d+)*");
            }
        }
    }

    @Test
    void shouldBindOnlyAccountsAndRolesThatExist() {
        Set<String> accounts = Set.copyOf(ofKind("ServiceAccount").stream().map(DeploymentManifestsTest::name).toList());
        Set<String> roles = Set.copyOf(Stream.concat(ofKind("ClusterRole").stream(), ofKind("Role").stream())
                .map(DeploymentManifestsTest::name).toList());
        assertThat(accounts).contains((String) podSpec(one("Deployment")).get("serviceAccountName"),
                (String) podSpec(one("DaemonSet")).get("serviceAccountName"));
        for (Map<String, Object> b : Stream.concat(ofKind("ClusterRoleBinding").stream(), ofKind("RoleBinding").stream()).toList()) {
            assertThat(roles).as(name(b)).contains((String) map(b, "roleRef").get("name"));
            for (Map<String, Object> s : list(b, "subjects")) {
                assertThat(accounts).as(name(b)).contains((String) s.get("name"));
            }
        }
        Set<String> namespaces = Set.copyOf(ofKind("Namespace").stream().map(DeploymentManifestsTest::name).toList());
        for (Map<String, Object> o : OBJECTS) {
            Object ns = map(o, "metadata").get("namespace");
            if (ns != null) {
                assertThat(namespaces).as(name(o)).contains((String) ns);
            }
        }
    }
}
