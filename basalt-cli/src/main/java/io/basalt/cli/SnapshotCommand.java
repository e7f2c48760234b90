package io.basalt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code basalt snapshot create|list|get|delete|diff}. A snapshot is named {@code VOLUME@SNAPSHOT};
 * clone one with {@code basalt volume create NAME --from-snapshot VOLUME@SNAPSHOT} and roll a volume
 * back with {@code basalt volume rollback VOLUME --to SNAPSHOT}.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Take, list, delete and compare snapshots of engine volumes (VOLUME@SNAPSHOT).",
        subcommands = {SnapshotCommand.Create.class, SnapshotCommand.ListSnapshots.class, SnapshotCommand.Get.class,
                SnapshotCommand.Delete.class, SnapshotCommand.Diff.class})
public final class SnapshotCommand {
    static final List<String> HEADERS = List.of("VOLUME", "NAME", "SIZE", "DATA", "CREATED");
    static final List<String> FIELDS = List.of("volume", "name", "sizeBytes", "mappedBytes", "createdAt");

    private SnapshotCommand() {
    }

    static String path(String volume) {
        return VolumeCommand.path(volume) + "/snapshots";
    }

    static String path(SnapshotRef ref) {
        return path(ref.volume()) + "/" + ApiClient.encode(ref.snapshot());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Take a snapshot: instant, crash-consistent, read-only (idempotent by name).")
    static final class Create extends ApiOptions {
        @Parameters(index = "0", paramLabel = "VOLUME@SNAPSHOT", converter = SnapshotRef.Converter.class)
        SnapshotRef ref;

        @Override
        void execute(ApiClient api) throws IOException {
            print(api.post(path(ref.volume()), Map.of("name", ref.snapshot())).json(), HEADERS, FIELDS);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a volume's snapshots, oldest first.")
    static final class ListSnapshots extends ApiOptions {
        @Parameters(index = "0", paramLabel = "VOLUME")
        String volume;

        @Override
        void execute(ApiClient api) throws IOException {
            print(api.get(path(volume)).json(), HEADERS, FIELDS);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a snapshot.")
    static final class Get extends ApiOptions {
        @Parameters(index = "0", paramLabel = "VOLUME@SNAPSHOT", converter = SnapshotRef.Converter.class)
        SnapshotRef ref;

        @Override
        void execute(ApiClient api) throws IOException {
            print(api.get(path(ref)).json(), HEADERS, FIELDS);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a snapshot; clones made from it keep their data.")
    static final class Delete extends ApiOptions {
        @Parameters(index = "0", paramLabel = "VOLUME@SNAPSHOT", converter = SnapshotRef.Converter.class)
        SnapshotRef ref;

        @Override
        void execute(ApiClient api) throws IOException {
            api.delete(path(ref));
            printDeleted(ref.toString());
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Block ranges changed since a snapshot: against another snapshot, or the volume now.")
    static final class Diff extends ApiOptions {
        @Parameters(index = "0", paramLabel = "VOLUME@SNAPSHOT", converter = SnapshotRef.Converter.class)
        SnapshotRef ref;
        @Option(names = "--against", paramLabel = "SNAPSHOT", description = "A later snapshot (default: the volume now).")
        String against;
        @Option(names = "--from-lba", paramLabel = "LBA", description = "Start here (a previous page's nextLba).")
        long fromLba;
        @Option(names = "--limit", paramLabel = "N", description = "Ranges per request (default 1000).")
        int limit = 1000;
        @Option(names = "--all", description = "Follow nextLba to the end instead of printing one page.")
        boolean all;

        @Override
        void execute(ApiClient api) throws IOException {
            List<JsonNode> ranges = new ArrayList<>();
            long from = fromLba;
            JsonNode page;
            do {
                page = api.get(path(ref) + "/diff?fromLba=" + from + "&limit=" + limit
                        + (against == null ? "" : "&against=" + ApiClient.encode(against))).json();
                page.get("ranges").forEach(ranges::add);
                from = page.get("nextLba").asLong();
            } while (all && from >= 0);
            if (json()) {
                out().println(page.toPrettyString());
                return;
            }
            Table.print(out(), List.of("LBA", "BLOCKS"), ranges.stream()
                    .map(n -> List.of(n.get("lba").asText(), n.get("blocks").asText())).toList());
            if (from >= 0) {
                out().println("more from LBA " + from + " (--from-lba " + from + ", or --all)");
            }
        }
    }
}
