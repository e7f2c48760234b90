package io.basalt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every command reports a mistake on its command line: one line saying which argument is wrong and
 * what it expects, picocli's "did you mean" if it has one, a pointer to the help, and
 * {@link ExitCodes#USAGE}. Picocli's own handler prints the whole help text instead, which buries the
 * one line that matters.
 *
 * <p>Arguments are checked by converters while parsing (see {@link Converters}), so a bad one never
 * reaches the brick; a converter that throws {@link CommandLine.TypeConversionException} ends here,
 * named by picocli after the option or parameter it was converting.
 */
public final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr().println(prefix(command.getCommandSpec()) + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, command.getErr());
        printHint(command.getCommandSpec());
        return ExitCodes.USAGE;
    }

    /** Reports a usage error found after parsing (a bad combination of settings), as a parse error would be. */
    public static int report(CommandSpec spec, String message) {
        spec.commandLine().getErr().println(prefix(spec) + message);
        printHint(spec);
        return ExitCodes.USAGE;
    }

    private static String prefix(CommandSpec spec) {
        return spec.qualifiedName() + ": ";
    }

    private static void printHint(CommandSpec spec) {
        spec.commandLine().getErr().println("Try '" + spec.qualifiedName() + " --help' for more information.");
        spec.commandLine().getErr().flush();
    }
}
