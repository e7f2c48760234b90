package io.basalt.cli;

import io.basalt.api.client.ApiClient;
import picocli.CommandLine.Command;

import java.io.IOException;

/** {@code basalt cluster status}: the cluster the brick belongs to (a lone brick is a cluster of one). */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The cluster of bricks.",
        subcommands = {ClusterCommand.Status.class})
public final class ClusterCommand {
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the cluster: subsystem NQN, leader, bricks by state, volumes, metadata store.")
    static final class Status extends ApiOptions {
        @Override
        void execute(ApiClient api) throws IOException {
            printDetail(api.get("/api/v1/cluster").json());
        }
    }
}
