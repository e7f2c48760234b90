package io.basalt.cli;

import io.basalt.api.client.ApiClient;
import picocli.CommandLine.Command;

import java.io.IOException;

/** {@code basalt info}: the brick's identity, endpoints, capacity and versions. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the brick: NQN, endpoints, capacity, versions.")
public final class InfoCommand extends ApiOptions {
    @Override
    void execute(ApiClient api) throws IOException {
        printDetail(api.get("/api/v1/brick").json());
    }
}
