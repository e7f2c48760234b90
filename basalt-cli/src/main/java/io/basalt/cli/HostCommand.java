package io.basalt.cli;

import io.basalt.api.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;

/** {@code basalt host allow|revoke VOLUME HOST_NQN}: applied live, hosts are told by AEN. */
@Command(name = "host", mixinStandardHelpOptions = true, description = "Allow or revoke a host's access to a volume.",
        subcommands = {HostCommand.Allow.class, HostCommand.Revoke.class})
public final class HostCommand {
    abstract static class Change extends ApiOptions {
        @Parameters(index = "0", paramLabel = "VOLUME")
        String volume;
        @Parameters(index = "1", paramLabel = "HOST_NQN")
        String host;

        String path() {
            return VolumeCommand.path(volume) + "/hosts/" + ApiClient.encode(host);
        }
    }

    @Command(name = "allow", mixinStandardHelpOptions = true, description = "Let a host see a volume (idempotent).")
    static final class Allow extends Change {
        @Override
        void execute(ApiClient api) throws IOException {
            print(api.put(path(), null).json(), VolumeCommand.HEADERS, VolumeCommand.FIELDS);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Hide a volume from a host (idempotent).")
    static final class Revoke extends Change {
        @Override
        void execute(ApiClient api) throws IOException {
            print(api.delete(path()).json(), VolumeCommand.HEADERS, VolumeCommand.FIELDS);
        }
    }
}
