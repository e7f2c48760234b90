package io.basalt.cli;

import io.basalt.api.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code basalt volume create|list|get|update|delete|rollback}. */
@Command(name = "volume", mixinStandardHelpOptions = true, description = "Create, list, change and delete volumes.",
        subcommands = {VolumeCommand.Create.class, VolumeCommand.ListVolumes.class, VolumeCommand.Get.class,
                VolumeCommand.Update.class, VolumeCommand.Delete.class, VolumeCommand.Rollback.class,
                VolumeCommand.Verify.class, VolumeCommand.Move.class})
public final class VolumeCommand {
    static final List<String> HEADERS = List.of("NAME", "NSID", "STATE", "SIZE", "USED", "HOSTS", "QOS", "CONNECTED", "UUID");
    static final List<String> FIELDS = List.of("name", "nsid", "state", "sizeBytes", "usage.physicalBytes", "hosts",
            "qosPolicy", "connectedHosts", "uuid");

    static String path(String name) {
        return "/api/v1/volumes/" + ApiClient.encode(name);
    }

    /** Labels as the API takes them; each was checked to be KEY=VALUE by {@link Converters.Label}. */
    static Map<String, String> labels(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            out.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return out;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a volume (idempotent: the same name and spec again succeeds).")
    static final class Create extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--size", paramLabel = "SIZE", converter = Converters.Size.class,
                description = "e.g. 10GiB; required unless --from-snapshot")
        Long size;
        @Option(names = "--from-snapshot", paramLabel = "VOLUME@SNAPSHOT", converter = SnapshotRef.Converter.class,
                description = "Clone a snapshot: instant, sharing its blocks; size defaults to the snapshot's.")
        SnapshotRef fromSnapshot;
        @Option(names = "--read-only", description = "With --from-snapshot: export the snapshot itself, write-protected "
                + "(for backup), instead of cloning it.")
        boolean readOnly;
        @Option(names = "--hosts", split = ",", paramLabel = "NQN", description = "Host NQNs allowed, or 'any'; default none.")
        List<String> hosts;
        @Option(names = "--block-size", paramLabel = "512|4096")
        Integer blockSize;
        @Option(names = "--backend", paramLabel = "engine|file|ram")
        String backend;
        @Option(names = "--label", paramLabel = "KEY=VALUE", converter = Converters.Label.class, description = "Repeatable.")
        List<String> labels = List.of();
        @Option(names = "--qos-policy", paramLabel = "POLICY")
        String qosPolicy;
        @Option(names = "--compression", paramLabel = "lz4|zstd|off", description = "Engine volumes; default lz4.")
        String compression;
        @Option(names = "--dedup", paramLabel = "on|off", arity = "1", converter = Converters.OnOff.class,
                description = "Engine volumes; default off.")
        Boolean dedup;
        @Option(names = "--encryption", paramLabel = "aes-xts|off",
                description = "Engine volumes; default off; the brick needs --kek-file.")
        String encryption;
        @Option(names = "--replicas", paramLabel = "1|2|3",
                description = "Copies on distinct bricks of a cluster; default 1 (a lone brick takes only 1).")
        Integer replicas;
        @Option(names = "--failure-domain-key", paramLabel = "KEY",
                description = "Keep replicas in distinct failure domains of this key (e.g. rack); default: distinct bricks.")
        String failureDomainKey;
        @Option(names = "--allowed-domain", paramLabel = "KEY=VALUE[,KEY=VALUE...]",
                converter = Converters.DomainSet.class, description = "Keep every replica on bricks with all these "
                + "failure-domain labels; repeatable: any of the sets. Default: any brick.")
        List<Map<String, String>> allowedDomains = List.of();
        @Option(names = "--preferred-domain", paramLabel = "KEY=VALUE[,KEY=VALUE...]",
                converter = Converters.DomainSet.class, description = "Put the primary on a brick with these labels "
                + "when one can take it; repeatable, best first.")
        List<Map<String, String>> preferredDomains = List.of();

        @Override
        void execute(ApiClient api) throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (size != null) {
                body.put("size", size);
            }
            if (fromSnapshot != null) {
                body.put("fromSnapshot", fromSnapshot.toString());
            }
            if (readOnly) {
                body.put("readOnly", true);
            }
            if (hosts != null) {
                body.put("hosts", hosts);
            }
            if (blockSize != null) {
                body.put("blockSize", blockSize);
            }
            if (backend != null) {
                body.put("backend", backend);
            }
            if (!labels.isEmpty()) {
                body.put("labels", labels(labels));
            }
            if (qosPolicy != null) {
                body.put("qosPolicy", qosPolicy);
            }
            if (compression != null) {
                body.put("compression", compression);
            }
            if (dedup != null) {
                body.put("dedup", dedup);
            }
            if (encryption != null) {
                body.put("encryption", encryption);
            }
            if (replicas != null) {
                body.put("replicas", replicas);
            }
            if (failureDomainKey != null) {
                body.put("failureDomainKey", failureDomainKey);
            }
            if (!allowedDomains.isEmpty()) {
                body.put("allowedDomains", allowedDomains);
            }
            if (!preferredDomains.isEmpty()) {
                body.put("preferredDomains", preferredDomains);
            }
            printWithWarnings(api.post("/api/v1/volumes", body).json(), HEADERS, FIELDS);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List volumes.")
    static final class ListVolumes extends ApiOptions {
        @Option(names = "--name", paramLabel = "PREFIX")
        String name;
        @Option(names = "--label", paramLabel = "KEY=VALUE", converter = Converters.Label.class,
                description = "Repeatable; all must match.")
        List<String> labels = List.of();
        @Option(names = "--state", paramLabel = "online|offline")
        String state;
        @Option(names = "--host", paramLabel = "NQN", description = "Only volumes this host may see.")
        String host;

        @Override
        void execute(ApiClient api) throws IOException {
            StringBuilder q = new StringBuilder("?limit=1000");
            if (name != null) {
                q.append("&name=").append(ApiClient.encode(name));
            }
            labels.forEach(l -> q.append("&label=").append(ApiClient.encode(l)));
            if (state != null) {
                q.append("&state=").append(ApiClient.encode(state));
            }
            if (host != null) {
                q.append("&host=").append(ApiClient.encode(host));
            }
            java.util.List<com.fasterxml.jackson.databind.JsonNode> all = new java.util.ArrayList<>();
            String token = null;
            do {
                var page = api.get("/api/v1/volumes" + q + (token == null ? "" : "&pageToken=" + token)).json();
                page.get("items").forEach(all::add);
                token = page.get("nextPageToken").isNull() ? null : page.get("nextPageToken").asText();
            } while (token != null);
            print(io.basalt.api.http.Json.MAPPER.valueToTree(all), HEADERS, FIELDS);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a volume (by name or UUID).")
    static final class Get extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        void execute(ApiClient api) throws IOException {
            printDetail(api.get(path(name)).json());
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Grow, rename, re-mask, relabel or re-limit a volume.")
    static final class Update extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--size", paramLabel = "SIZE", converter = Converters.Size.class,
                description = "New size, e.g. 20GiB; smaller needs --force.")
        Long size;
        @Option(names = "--force", description = "Allow shrinking (data beyond the new size is lost).")
        boolean force;
        @Option(names = "--rename", paramLabel = "NEW_NAME")
        String rename;
        @Option(names = "--hosts", split = ",", paramLabel = "NQN", description = "Replace the access list ('any', 'none' or NQNs).")
        List<String> hosts;
        @Option(names = "--label", paramLabel = "KEY=VALUE", converter = Converters.Label.class,
                description = "Replace the labels (repeatable).")
        List<String> labels;
        @Option(names = "--qos-policy", paramLabel = "POLICY", description = "'' removes the policy.")
        String qosPolicy;

        @Override
        void execute(ApiClient api) throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            if (size != null) {
                body.put("size", size);
                body.put("force", force);
            }
            if (rename != null) {
                body.put("name", rename);
            }
            if (hosts != null) {
                body.put("hosts", hosts.equals(List.of("none")) ? List.of() : hosts);
            }
            if (labels != null) {
                body.put("labels", labels(labels));
            }
            if (qosPolicy != null) {
                body.put("qosPolicy", qosPolicy);
            }
            printWithWarnings(api.patch(path(name), body).json(), HEADERS, FIELDS);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a volume and its data; connected hosts see it disappear.")
    static final class Delete extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--with-snapshots", description = "Delete the volume's snapshots too (clones made from them stay).")
        boolean withSnapshots;

        @Override
        void execute(ApiClient api) throws IOException {
            api.delete(path(name) + (withSnapshots ? "?snapshots=delete" : ""));
            printDeleted(name);
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Return a volume to a snapshot's contents (hosts are told; unmount it on hosts first).")
    static final class Rollback extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--to", required = true, paramLabel = "SNAPSHOT", description = "A snapshot of the volume.")
        String snapshot;

        @Override
        void execute(ApiClient api) throws IOException {
            print(api.post(path(name) + "/rollback", Map.of("snapshot", snapshot)).json(), HEADERS, FIELDS);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Compare a cluster volume's replicas range by range; exits 9 when they differ.")
    static final class Verify extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        void execute(ApiClient api) throws IOException {
            var report = api.post(path(name) + "/verify", Map.of()).json();
            printDetail(report);
            if (!report.path("identical").asBoolean()) {
                spec.commandLine().getErr().println("basalt: the replicas of " + name + " differ in "
                        + report.path("differences").size() + " range(s)");
                answerExitCode = ExitCodes.DIFFERENT;
            }
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Make another in-sync replica a cluster volume's primary (hosts pause well under a second).")
    static final class Move extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--to", paramLabel = "BRICK",
                description = "The brick to serve it (default: the in-sync replica whose brick serves fewest).")
        String to;

        @Override
        void execute(ApiClient api) throws IOException {
            java.util.Map<String, String> body = to == null ? Map.of() : Map.of("to", to);
            printDetail(api.post(path(name) + "/move", body).json());
        }
    }
}
