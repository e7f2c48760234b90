package io.basalt.server;

import io.basalt.cli.BrickCommand;
import io.basalt.cli.ClusterCommand;
import io.basalt.cli.CompletionCommand;
import io.basalt.cli.EventsCommand;
import io.basalt.cli.HostCommand;
import io.basalt.cli.InfoCommand;
import io.basalt.cli.QosCommand;
import io.basalt.cli.SnapshotCommand;
import io.basalt.cli.UsageErrorHandler;
import io.basalt.cli.VolumeCommand;
import io.basalt.csi.CsiCommand;
import io.basalt.netty.AllocatorDefaults;
import io.basalt.server.version.BasaltVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/**
 * The {@code basalt} command. Subcommands: {@code serve} runs a brick; {@code volume}, {@code host},
 * {@code qos}, {@code info} and {@code events} (module basalt-cli) manage one through its REST API;
 * {@code csi} (basalt-csi) serves the Kubernetes CSI plugin over that API; {@code bench}
 * (basalt-initiator) drives a target. This class only wires them together. Exit codes: 0
 * success, 1 failure at run time, 2 usage error (one line naming the bad argument, see
 * {@link UsageErrorHandler}); the API subcommands add the codes in {@link io.basalt.cli.ExitCodes}.
 */
@Command(name = "basalt", mixinStandardHelpOptions = true, versionProvider = BasaltMain.Version.class,
        description = "Basalt: disaggregated block storage over NVMe/TCP.",
        subcommands = {ServeCommand.class, io.basalt.initiator.bench.BenchCommand.class, VolumeCommand.class,
                HostCommand.class, SnapshotCommand.class, QosCommand.class, InfoCommand.class,
                ClusterCommand.class, BrickCommand.class, EventsCommand.class, CsiCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class})
public final class BasaltMain implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        AllocatorDefaults.apply();
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(new ServeCommand(), out, err).execute(args);
    }

    static CommandLine commandLine(ServeCommand serve, PrintWriter out, PrintWriter err) {
        CommandLine withServe = new CommandLine(new BasaltMain(), new ServeFactory(serve));
        withServe.setOut(out);
        withServe.setErr(err);
        withServe.setParameterExceptionHandler(new UsageErrorHandler());
        return withServe;
    }

    /** Without a subcommand there is nothing to do: say so, as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'basalt serve'");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"basalt " + BasaltVersion.version()};
        }
    }

    /** Hands picocli a given ServeCommand, so tests can reach the brick it starts. */
    private record ServeFactory(ServeCommand serve) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            return type == ServeCommand.class ? type.cast(serve) : CommandLine.defaultFactory().create(type);
        }
    }
}
