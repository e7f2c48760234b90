package io.basalt.cli;

import io.basalt.api.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.List;

/** {@code basalt events}: what happened on the brick, oldest first. */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Show brick events (volume created, host connected...).")
public final class EventsCommand extends ApiOptions {
    @Option(names = "--after", paramLabel = "ID", description = "Only events after this id.")
    long after;
    @Option(names = "--limit", paramLabel = "N", description = "At most N events (default 100).")
    int limit = 100;
    @Option(names = "--type", paramLabel = "PREFIX", description = "Only events whose type starts so, e.g. host.")
    String type;

    @Override
    void execute(ApiClient api) throws IOException {
        String q = "?after=" + after + "&limit=" + limit + (type == null ? "" : "&type=" + ApiClient.encode(type));
        print(api.get("/api/v1/events" + q).json(), List.of("ID", "TIME", "SEVERITY", "TYPE", "SUBJECT", "MESSAGE"),
                List.of("id", "time", "severity", "type", "subject", "message"));
    }
}
