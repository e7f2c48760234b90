package io.basalt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code basalt qos list|get|set|delete}: named QoS policies; attach with {@code volume update --qos-policy}. */
@Command(name = "qos", mixinStandardHelpOptions = true, description = "Manage QoS policies.",
        subcommands = {QosCommand.ListPolicies.class, QosCommand.Get.class, QosCommand.Set.class, QosCommand.Delete.class})
public final class QosCommand {
    static final List<String> HEADERS = List.of("NAME", "READ_IOPS", "WRITE_IOPS", "READ_BPS", "WRITE_BPS",
            "IOPS_PER_GIB", "VOLUMES");
    /** What the API calls a limit that is not set. */
    static final long UNLIMITED = 0;

    /** A policy as a table row, limits in the units {@code qos set} takes: 20K, 400MiB/s, unlimited. */
    static List<String> row(JsonNode policy) {
        return List.of(policy.path("name").asText(), count(policy.path("readIops").asLong()),
                count(policy.path("writeIops").asLong()), rate(policy.path("readBytesPerSecond").asLong()),
                rate(policy.path("writeBytesPerSecond").asLong()), count(policy.path("iopsPerGib").asLong()),
                Table.cell(policy, "volumes"));
    }

    static String count(long limit) {
        return limit == UNLIMITED ? "unlimited" : Counts.format(limit);
    }

    static String rate(long bytesPerSecond) {
        return bytesPerSecond == UNLIMITED ? "unlimited" : Table.size(bytesPerSecond) + "/s";
    }

    static String path(String name) {
        return "/api/v1/qos-policies/" + ApiClient.encode(name);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List QoS policies.")
    static final class ListPolicies extends ApiOptions {
        @Override
        void execute(ApiClient api) throws IOException {
            print(api.get("/api/v1/qos-policies").json(), HEADERS, QosCommand::row);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a QoS policy.")
    static final class Get extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        void execute(ApiClient api) throws IOException {
            print(api.get(path(name)).json(), HEADERS, QosCommand::row);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Create or replace a QoS policy; limits left out are unlimited. Volumes under it change at once.")
    static final class Set extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--read-iops", paramLabel = "N", converter = Converters.Count.class,
                description = "Read commands per second, e.g. 20000 or 20K.")
        Long readIops;
        @Option(names = "--write-iops", paramLabel = "N", converter = Converters.Count.class,
                description = "Write commands per second, e.g. 10K.")
        Long writeIops;
        @Option(names = "--read-bps", paramLabel = "SIZE", converter = Converters.Size.class,
                description = "Read bytes per second, e.g. 100MiB.")
        Long readBps;
        @Option(names = "--write-bps", paramLabel = "SIZE", converter = Converters.Size.class,
                description = "Write bytes per second, e.g. 100MiB.")
        Long writeBps;
        @Option(names = "--iops-per-gib", paramLabel = "N", converter = Converters.Count.class,
                description = "Scale the IOPS limits with the volume's size, N per GiB; the lower of this and the "
                        + "fixed limit applies.")
        Long iopsPerGib;

        @Override
        void execute(ApiClient api) throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("readIops", readIops);
            body.put("writeIops", writeIops);
            body.put("readBytesPerSecond", readBps);
            body.put("writeBytesPerSecond", writeBps);
            body.put("iopsPerGib", iopsPerGib);
            print(api.put(path(name), body).json(), HEADERS, QosCommand::row);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an unused QoS policy.")
    static final class Delete extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        void execute(ApiClient api) throws IOException {
            api.delete(path(name));
            printDeleted(name);
        }
    }
}
