package io.basalt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * A {@code basalt} command holding this module's commands, configured as the daemon's
 * {@code BasaltMain} configures the real one (which adds {@code serve} and {@code bench}), so the
 * CLI's tests run without the daemon.
 */
@Command(name = "basalt", subcommands = {VolumeCommand.class, HostCommand.class, SnapshotCommand.class,
        QosCommand.class, InfoCommand.class, EventsCommand.class, CompletionCommand.class})
final class CliRoot implements Runnable {
    private CliRoot() {
    }

    /** Runs {@code basalt ARGS} with the given streams; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine command = new CommandLine(new CliRoot());
        command.setOut(out);
        command.setErr(err);
        command.setParameterExceptionHandler(new UsageErrorHandler());
        return command.execute(args);
    }

    @Override
    public void run() {
    }
}
