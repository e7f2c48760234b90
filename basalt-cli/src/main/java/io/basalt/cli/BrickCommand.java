package io.basalt.cli;

import io.basalt.api.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;

/** {@code basalt brick list|get}: the members of the cluster and their states. */
@Command(name = "brick", mixinStandardHelpOptions = true, description = "Bricks of the cluster.",
        subcommands = {BrickCommand.ListBricks.class, BrickCommand.Get.class, BrickCommand.Remove.class,
                BrickCommand.Drain.class})
public final class BrickCommand {
    static final List<String> HEADERS = List.of("NAME", "STATE", "NVME", "LEADER", "PRIMARIES", "REPLICAS", "FREE",
            "DOMAINS");
    static final List<String> FIELDS = List.of("name", "state", "nvmeAddress", "leader", "primaries", "replicas",
            "freeBytes", "failureDomains");

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the cluster's bricks.")
    static final class ListBricks extends ApiOptions {
        @Override
        void execute(ApiClient api) throws IOException {
            print(api.get("/api/v1/bricks").json(), HEADERS, FIELDS);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one brick.")
    static final class Get extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        void execute(ApiClient api) throws IOException {
            printDetail(api.get("/api/v1/bricks/" + ApiClient.encode(name)).json());
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Forget a brick gone for good (refused while it runs or holds replicas).")
    static final class Remove extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        void execute(ApiClient api) throws IOException {
            api.delete("/api/v1/bricks/" + ApiClient.encode(name));
            printDeleted("brick " + name);
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Move every primary off a brick (before maintenance); exits 4 when some could not move.")
    static final class Drain extends ApiOptions {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        void execute(ApiClient api) throws IOException {
            var report = api.post("/api/v1/bricks/" + ApiClient.encode(name) + "/drain", java.util.Map.of()).json();
            printDetail(report);
            if (!report.path("notMoved").isEmpty()) {
                spec.commandLine().getErr().println("basalt: " + report.path("notMoved").size()
                        + " volume(s) still have " + name + " as their primary");
                answerExitCode = ExitCodes.CONFLICT;
            }
        }
    }
}
